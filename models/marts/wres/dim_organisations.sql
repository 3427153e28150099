{#- Every organisation the warehouse knows: those in the reference list and those with staff-in-post data,
    with the WRES years reported for each. -#}

with

organisations as (

    select * from {{ ref('stg_reference__organisations') }}

),

reporting_years as (

    select * from {{ ref('int_wres_reporting_years') }}

),

reported as (

    select
        organisation_code,
        min(wres_year) as first_wres_year,
        max(wres_year) as last_wres_year,
        count(*) as wres_years_reported

    from reporting_years
    group by 1

),

codes as (

    select organisation_code from organisations
    union
    select organisation_code from reported

),

final as (

    select
        codes.organisation_code,
        organisations.organisation_name,
        organisations.region,
        organisations.organisation_type,
        organisations.organisation_code is not null as is_in_reference_list,
        reported.first_wres_year,
        reported.last_wres_year,
        coalesce(reported.wres_years_reported, 0) as wres_years_reported

    from codes
    left join organisations on organisations.organisation_code = codes.organisation_code
    left join reported on reported.organisation_code = codes.organisation_code

)

select * from final
