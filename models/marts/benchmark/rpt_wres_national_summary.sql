{#- The two headline statistics of the national WRES report, per year: the share of organisations whose
    indicator 2 likelihood is assessed adverse (White shortlisted applicants significantly more likely to be
    appointed), and the share whose single-year indicator 3 likelihood is 1.25 or above. Each share is over
    the organisations whose likelihood is computable. -#}

with

headline as (

    select * from {{ ref('rpt_wres_headline') }}
    where organisation_code <> 'ALL'

),

indicator_2 as (

    select
        wres_year,
        count(*) filter (where assessment <> 'not computable') as organisations_assessed,
        count(*) filter (where assessment = 'adverse') as organisations_adverse

    from headline
    where indicator = 2 and measure = 'relative_likelihood'
    group by 1

),

indicator_3 as (

    select
        wres_year,
        count(value) as organisations_computable,
        count(*) filter (where value >= 1.25) as organisations_at_or_above_1_25

    from headline
    where indicator = 3 and breakdown = 'single_year' and measure = 'relative_likelihood'
    group by 1

),

final as (

    select
        coalesce(indicator_2.wres_year, indicator_3.wres_year) as wres_year,
        coalesce(indicator_2.organisations_assessed, 0) as indicator_2_organisations_assessed,
        coalesce(indicator_2.organisations_adverse, 0) as indicator_2_organisations_adverse,
        {{ pct('indicator_2.organisations_adverse', 'indicator_2.organisations_assessed') }}
            as indicator_2_pct_adverse,
        coalesce(indicator_3.organisations_computable, 0) as indicator_3_organisations_computable,
        coalesce(indicator_3.organisations_at_or_above_1_25, 0) as indicator_3_organisations_at_or_above_1_25,
        {{ pct('indicator_3.organisations_at_or_above_1_25', 'indicator_3.organisations_computable') }}
            as indicator_3_pct_at_or_above_1_25

    from indicator_2
    full outer join indicator_3 on indicator_3.wres_year = indicator_2.wres_year

)

select * from final
order by wres_year
