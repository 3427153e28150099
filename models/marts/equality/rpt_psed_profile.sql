{#- The PSED workforce profile (Public Sector Equality Duty; exact counts, confidential): the headcount and share
    of the workforce population P(O, Y) by each protected characteristic the HR snapshot holds, overall and by
    band cluster (seed band_clusters: the WDES clusters, clinical and non-clinical together):
    - age_band: the ESR age band as recorded;
    - disability and sex: the groups of seed equality_groups (Disabled, Non-disabled, Unknown; Female, Male,
      Unknown);
    - ethnicity: White, BME, Unknown; ethnic_category: the 16+1 category of the code's first letter with its
      label (seed ethnic_categories), Unknown when not recognised;
    - religion_or_belief and sexual_orientation: as recorded, except the values seed equality_group_codes maps
      (the ESR spellings of declining to answer, to 'Not declared').
    A blank value is Unknown. Each characteristic's groups are those found in the organisation-year (and every
    group of seed equality_groups), each in every breakdown, with zeros. -#}

{%- set characteristics = equality_characteristics(['age_band', 'disability', 'ethnicity', 'ethnic_category',
                                                    'religion_or_belief', 'sex', 'sexual_orientation']) %}

with

reporting_years as (

    select * from {{ rebuild_scope(ref('int_wres_reporting_years')) }}

),

population as (

    select
        *,
        left(ethnic_category_code, 1) as ethnic_category

    from {{ rebuild_scope(ref('int_wres_workforce_population')) }}

),

clusters as (

    select * from {{ ref('band_clusters') }}

),

equality_groups as (

    select * from {{ ref('equality_groups') }}

),

group_codes as (

    select characteristic, source_value, group_name from {{ ref('equality_group_codes') }}
    union all
    select 'ethnic_category' as characteristic, category_code as source_value,
        category_code || ' ' || category_name as group_name
    from {{ ref('ethnic_categories') }}

),

band_counts as (

    {{ characteristic_counts('population', ['organisation_code', 'wres_year', 'band'], characteristics,
                             {'people': 'count(*)'}, 'group_codes') }}

),

breakdown_counts as (

    select organisation_code, wres_year, 'overall' as breakdown, characteristic, group_name, sum(people) as people
    from band_counts
    group by 1, 2, 3, 4, 5
    union all
    select
        band_counts.organisation_code,
        band_counts.wres_year,
        clusters.band_cluster as breakdown,
        band_counts.characteristic,
        band_counts.group_name,
        sum(band_counts.people) as people
    from band_counts
    inner join clusters on clusters.band = band_counts.band
    group by 1, 2, 3, 4, 5

),

profile_groups as (

    select distinct organisation_code, wres_year, characteristic, group_name
    from breakdown_counts
    union
    select reporting_years.organisation_code, reporting_years.wres_year, equality_groups.characteristic,
        equality_groups.group_name
    from reporting_years
    cross join equality_groups
    where equality_groups.characteristic in ('disability', 'ethnicity', 'sex')

),

breakdowns as (

    select 'overall' as breakdown
    union
    select band_cluster as breakdown from clusters

),

totals as (

    select organisation_code, wres_year, breakdown, characteristic, sum(people) as people
    from breakdown_counts
    group by 1, 2, 3, 4

),

final as (

    select
        profile_groups.organisation_code,
        profile_groups.wres_year,
        profile_groups.characteristic,
        breakdowns.breakdown,
        profile_groups.group_name,
        cast(coalesce(breakdown_counts.people, 0) as bigint) as headcount,
        cast(coalesce(totals.people, 0) as bigint) as total,
        {{ pct('coalesce(breakdown_counts.people, 0)', 'coalesce(totals.people, 0)') }} as share

    from profile_groups
    cross join breakdowns
    left join breakdown_counts
        on breakdown_counts.organisation_code = profile_groups.organisation_code
        and breakdown_counts.wres_year = profile_groups.wres_year
        and breakdown_counts.breakdown = breakdowns.breakdown
        and breakdown_counts.characteristic = profile_groups.characteristic
        and breakdown_counts.group_name = profile_groups.group_name
    left join totals
        on totals.organisation_code = profile_groups.organisation_code
        and totals.wres_year = profile_groups.wres_year
        and totals.breakdown = breakdowns.breakdown
        and totals.characteristic = profile_groups.characteristic

)

select * from final
order by organisation_code, wres_year, characteristic, breakdown, group_name
