{#- Indicator 1: the share of White, BME and Unknown staff in each cell of the fixed grid (clinical flag x band),
    and in the non_clinical, clinical and overall totals. Every cell appears, with zeros. -#}

with

reporting_years as (

    select * from {{ ref('int_wres_reporting_years') }}

),

population as (

    select * from {{ ref('int_wres_workforce_population') }}

),

bands as (

    select * from {{ ref('indicator_1_bands') }}

),

ethnic_groups as (

    select * from {{ ref('ethnic_groups') }}

),

cells as (

    select 'non_clinical' as clinical_key, band from bands where not clinical_only
    union all
    select 'clinical' as clinical_key, band from bands

),

breakdowns as (

    select clinical_key || ':' || band as breakdown, clinical_key, band from cells
    union all
    select 'non_clinical' as breakdown, 'non_clinical' as clinical_key, null as band
    union all
    select 'clinical' as breakdown, 'clinical' as clinical_key, null as band
    union all
    select 'overall' as breakdown, null as clinical_key, null as band

),

cell_counts as (

    select
        organisation_code,
        wres_year,
        case when is_clinical then 'clinical' else 'non_clinical' end as clinical_key,
        band,
        ethnic_group,
        count(*) as people

    from population
    group by 1, 2, 3, 4, 5

),

breakdown_counts as (

    select
        reporting_years.organisation_code,
        reporting_years.wres_year,
        breakdowns.breakdown,
        cell_counts.ethnic_group,
        coalesce(sum(cell_counts.people), 0) as people

    from reporting_years
    cross join breakdowns
    left join cell_counts
        on cell_counts.organisation_code = reporting_years.organisation_code
        and cell_counts.wres_year = reporting_years.wres_year
        and (breakdowns.clinical_key is null or cell_counts.clinical_key = breakdowns.clinical_key)
        and (breakdowns.band is null or cell_counts.band = breakdowns.band)
    group by 1, 2, 3, 4

),

breakdown_totals as (

    select organisation_code, wres_year, breakdown, sum(people) as people
    from breakdown_counts
    group by 1, 2, 3

),

final as (

    select
        breakdown_totals.organisation_code,
        breakdown_totals.wres_year,
        1 as indicator,
        breakdown_totals.breakdown,
        ethnic_groups.ethnic_group,
        coalesce(breakdown_counts.people, 0) as numerator,
        breakdown_totals.people as denominator,
        {{ pct('coalesce(breakdown_counts.people, 0)', 'breakdown_totals.people') }} as value

    from breakdown_totals
    cross join ethnic_groups
    left join breakdown_counts
        on breakdown_counts.organisation_code = breakdown_totals.organisation_code
        and breakdown_counts.wres_year = breakdown_totals.wres_year
        and breakdown_counts.breakdown = breakdown_totals.breakdown
        and breakdown_counts.ethnic_group = ethnic_groups.ethnic_group

)

select * from final
