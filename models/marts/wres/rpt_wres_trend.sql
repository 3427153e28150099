{#- Trend table (spec outputs.md section 3): every headline measure of every organisation for every year, with
    the change from the previous year and from the first year the measure has a value, and the direction of
    the change from the previous year by the better direction of seed wres_indicators (indicators.md,
    "Year-on-year"): lower is better for the likelihoods (2-4) and the gaps of 5, 6 and 8; higher is better for
    the gap of 7; for indicator 9 higher is better up to zero, so what counts is the shortfall below zero.
    Indicator 1 measures have no better direction. The direction rule (macros worsening and trend_direction) is
    shared with the diversity scorecard. -#}

with

headline as (

    select * from {{ ref('rpt_wres_headline') }}

),

indicators as (

    select * from {{ ref('wres_indicators') }}

),

first_values as (

    select
        organisation_code,
        indicator,
        breakdown,
        measure,
        arg_min(value, wres_year) as first_value,
        min(wres_year) as first_year

    from headline
    where value is not null
    group by 1, 2, 3, 4

),

changes as (

    select
        headline.organisation_code,
        headline.indicator,
        headline.breakdown,
        headline.measure,
        headline.wres_year,
        headline.value,
        headline.previous_value,
        headline.value - headline.previous_value as change_from_previous,
        first_values.first_year,
        headline.value - first_values.first_value as change_from_first,
        case when headline.measure = indicators.measure then indicators.better_direction end as better_direction

    from headline
    left join first_values
        on first_values.organisation_code = headline.organisation_code
        and first_values.indicator = headline.indicator
        and first_values.breakdown = headline.breakdown
        and first_values.measure = headline.measure
    left join indicators
        on indicators.indicator = headline.indicator

),

scored as (

    {#- The change in "badness": positive means worse. #}
    select
        *,
        {{ worsening('value', 'previous_value', 'better_direction') }} as worsening

    from changes

),

final as (

    select
        organisation_code,
        indicator,
        breakdown,
        measure,
        wres_year,
        value,
        change_from_previous,
        change_from_first,
        {{ trend_direction('worsening') }} as direction

    from scored

)

select * from final
order by organisation_code, indicator, breakdown, measure, wres_year
