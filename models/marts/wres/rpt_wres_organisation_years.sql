{#- One row per reported organisation and WRES year with the facts a return's cover sheet shows: the
    organisation, the snapshot day, the event period, the survey year, the workforce headcount, its BME share
    and the ethnicity declaration rate (the share of the workforce whose ethnic group is known). -#}

with

reporting_years as (

    select * from {{ ref('int_wres_reporting_years') }}

),

organisations as (

    select * from {{ ref('dim_organisations') }}

),

population as (

    select * from {{ ref('int_wres_workforce_population') }}

),

headcounts as (

    select
        organisation_code,
        wres_year,
        count(*) as headcount,
        count(*) filter (where ethnic_group = 'BME') as bme_headcount,
        count(*) filter (where ethnic_group = 'White') as white_headcount,
        count(*) filter (where ethnic_group = 'Unknown') as unknown_headcount

    from population
    group by 1, 2

),

final as (

    select
        reporting_years.organisation_code,
        organisations.organisation_name,
        organisations.region,
        organisations.organisation_type,
        reporting_years.wres_year,
        reporting_years.snapshot_date,
        reporting_years.period_start,
        reporting_years.period_end,
        reporting_years.survey_year,
        reporting_years.is_previous_year_reported,
        coalesce(headcounts.headcount, 0) as headcount,
        coalesce(headcounts.white_headcount, 0) as white_headcount,
        coalesce(headcounts.bme_headcount, 0) as bme_headcount,
        coalesce(headcounts.unknown_headcount, 0) as unknown_headcount,
        {{ pct('headcounts.bme_headcount', 'headcounts.headcount') }} as pct_bme,
        {{ pct('headcounts.headcount - headcounts.unknown_headcount', 'headcounts.headcount') }}
            as ethnicity_declaration_rate

    from reporting_years
    left join organisations on organisations.organisation_code = reporting_years.organisation_code
    left join headcounts
        on headcounts.organisation_code = reporting_years.organisation_code
        and headcounts.wres_year = reporting_years.wres_year

)

select * from final
order by organisation_code, wres_year
