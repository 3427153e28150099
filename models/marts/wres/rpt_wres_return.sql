{#- The machine-readable WRES return (spec outputs.md section 1): one row per organisation, WRES year,
    indicator, breakdown and ethnic group, exact counts; and the rows that total all organisations together
    (organisation_code ALL): every count summed over the organisations reported that year, the value
    recomputed from the pooled counts (never an average of the organisations' values). Exported as
    returns/wres_return.csv. -#}

with

workforce_by_band as (

    select * from {{ ref('fct_wres_workforce_by_band') }}

),

appointments as (

    select * from {{ ref('fct_wres_appointments') }}

),

disciplinary as (

    select * from {{ ref('fct_wres_disciplinary') }}

),

training as (

    select * from {{ ref('fct_wres_training') }}

),

staff_survey as (

    select * from {{ ref('fct_wres_staff_survey') }}

),

board as (

    select * from {{ ref('fct_wres_board') }}

),

unioned as (

    select * from workforce_by_band
    union all
    select * from appointments
    union all
    select * from disciplinary
    union all
    select * from training
    union all
    select * from staff_survey
    union all
    select * from board

),

all_organisations as (

    select
        'ALL' as organisation_code,
        wres_year,
        indicator,
        breakdown,
        ethnic_group,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        {{ pct('sum(numerator)', 'sum(denominator)') }} as value

    from unioned
    group by wres_year, indicator, breakdown, ethnic_group

),

with_all_organisations as (

    select * from unioned
    union all
    select * from all_organisations

),

final as (

    select
        cast(organisation_code as varchar) as organisation_code,
        cast(wres_year as integer) as wres_year,
        cast(indicator as integer) as indicator,
        cast(breakdown as varchar) as breakdown,
        cast(ethnic_group as varchar) as ethnic_group,
        cast(numerator as bigint) as numerator,
        cast(denominator as bigint) as denominator,
        cast(value as double precision) as value

    from with_all_organisations

)

select * from final
order by organisation_code, wres_year, indicator, breakdown, ethnic_group
