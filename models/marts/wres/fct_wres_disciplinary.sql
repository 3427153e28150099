{#- Indicator 3: people entering a formal disciplinary investigation, over the workforce population.
    single_year: the year's counts. rolling_two_year (only when the previous year is reported too): the
    numerators of Y and Y-1 added, and the denominators of Y and Y-1 added. The rule is macro event_rates,
    shared with the general return (and WDES metric 3, formal capability). -#}

with

rates as (

    {{ event_rates(
        reporting_years=rebuild_scope(ref('int_wres_reporting_years')),
        event_counts=rebuild_scope(ref('int_wres_event_counts')),
        event_type='disciplinary',
        group_columns=['ethnic_group'],
        single_year_breakdown='single_year',
        rolling=true
    ) }}

),

final as (

    select
        organisation_code,
        wres_year,
        3 as indicator,
        breakdown,
        ethnic_group,
        numerator,
        denominator,
        value

    from rates

)

select * from final
