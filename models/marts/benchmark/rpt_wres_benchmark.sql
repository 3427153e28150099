{#- The national benchmark (spec outputs.md section 4): for each year, indicator, breakdown and headline measure,
    every organisation's value beside the national value from pooled counts (the ALL rows: never an average
    of ratios), the median and quartiles of the organisations' values (linear interpolation, as Excel's
    PERCENTILE.INC), the organisation's rank and percentile among the organisations with a value (rank 1 =
    the smallest value; better_direction says which end is better), and the median of its region and of its
    organisation type. -#}

with

headline as (

    select * from {{ ref('rpt_wres_headline') }}

),

organisations as (

    select * from {{ ref('dim_organisations') }}

),

indicators as (

    select * from {{ ref('wres_indicators') }}

),

organisation_values as (

    select
        headline.wres_year,
        headline.indicator,
        headline.breakdown,
        headline.measure,
        headline.organisation_code,
        coalesce(organisations.region, 'Unknown') as region,
        coalesce(organisations.organisation_type, 'Unknown') as organisation_type,
        headline.value

    from headline
    left join organisations on organisations.organisation_code = headline.organisation_code
    where headline.organisation_code <> 'ALL'

),

national as (

    select wres_year, indicator, breakdown, measure, value as national_value
    from headline
    where organisation_code = 'ALL'

),

distribution as (

    select
        wres_year,
        indicator,
        breakdown,
        measure,
        count(value) as organisations_with_value,
        quantile_cont(value, 0.25) as national_q1,
        quantile_cont(value, 0.5) as national_median,
        quantile_cont(value, 0.75) as national_q3

    from organisation_values
    group by 1, 2, 3, 4

),

region_medians as (

    select wres_year, indicator, breakdown, measure, region, quantile_cont(value, 0.5) as region_median
    from organisation_values
    group by 1, 2, 3, 4, 5

),

type_medians as (

    select
        wres_year,
        indicator,
        breakdown,
        measure,
        organisation_type,
        quantile_cont(value, 0.5) as organisation_type_median

    from organisation_values
    group by 1, 2, 3, 4, 5

),

ranked as (

    select
        *,
        case when value is not null then
            rank() over (partition by wres_year, indicator, breakdown, measure, value is null order by value)
        end as rank_in_nation

    from organisation_values

),

final as (

    select
        ranked.wres_year,
        ranked.indicator,
        ranked.breakdown,
        ranked.measure,
        ranked.organisation_code,
        ranked.region,
        ranked.organisation_type,
        ranked.value,
        national.national_value,
        distribution.national_median,
        distribution.national_q1,
        distribution.national_q3,
        distribution.organisations_with_value,
        ranked.rank_in_nation as rank,
        case
            when ranked.rank_in_nation is null then null
            when distribution.organisations_with_value = 1 then 100.0
            else 100.0 * (ranked.rank_in_nation - 1) / (distribution.organisations_with_value - 1)
        end as percentile,
        region_medians.region_median,
        type_medians.organisation_type_median,
        case when indicators.measure = ranked.measure then indicators.better_direction end as better_direction

    from ranked
    left join national
        on national.wres_year = ranked.wres_year
        and national.indicator = ranked.indicator
        and national.breakdown = ranked.breakdown
        and national.measure = ranked.measure
    left join distribution
        on distribution.wres_year = ranked.wres_year
        and distribution.indicator = ranked.indicator
        and distribution.breakdown = ranked.breakdown
        and distribution.measure = ranked.measure
    left join region_medians
        on region_medians.wres_year = ranked.wres_year
        and region_medians.indicator = ranked.indicator
        and region_medians.breakdown = ranked.breakdown
        and region_medians.measure = ranked.measure
        and region_medians.region = ranked.region
    left join type_medians
        on type_medians.wres_year = ranked.wres_year
        and type_medians.indicator = ranked.indicator
        and type_medians.breakdown = ranked.breakdown
        and type_medians.measure = ranked.measure
        and type_medians.organisation_type = ranked.organisation_type
    left join indicators on indicators.indicator = ranked.indicator

)

select * from final
order by wres_year, indicator, breakdown, measure, organisation_code
