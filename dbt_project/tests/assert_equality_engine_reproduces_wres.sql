{#- The general engine's ethnicity rows are the WRES return's and headline's, exactly: the engine is the WRES
    rules with the grouping as a parameter, so a WRES number can only change if a WRES rule does. Compared on
    every organisation row (the general return has no ALL rows) and every metric that is a WRES indicator
    (the band clusters and senior bands are the general return's own breakdowns). Returns the rows found on one
    side only. -#}

with

metrics as (

    select metric, wres_indicator from {{ ref('equality_metrics') }} where wres_indicator is not null

),

general_return as (

    select
        general.organisation_code,
        general.wres_year,
        metrics.wres_indicator as indicator,
        general.breakdown,
        general.group_name as ethnic_group,
        general.numerator,
        general.denominator,
        general.value

    from {{ ref('rpt_equality_return') }} as general
    inner join metrics on metrics.metric = general.metric
    where general.characteristic = 'ethnicity'
        and not (general.metric = 'workforce_by_band' and (general.breakdown like '%cluster%' or general.breakdown = 'senior'))

),

wres_return as (

    select organisation_code, wres_year, indicator, breakdown, ethnic_group, numerator, denominator, value
    from {{ ref('rpt_wres_return') }}
    where organisation_code <> 'ALL'

),

general_headline as (

    select
        general.organisation_code,
        general.wres_year,
        metrics.wres_indicator as indicator,
        general.breakdown,
        case general.measure when 'pct_focus' then 'pct_bme' else general.measure end as measure,
        general.value,
        general.ci_lower,
        general.ci_upper,
        general.assessment,
        general.four_fifths_band,
        general.previous_value

    from {{ ref('rpt_equality_headline') }} as general
    inner join metrics on metrics.metric = general.metric
    where general.characteristic = 'ethnicity'
        and not (general.metric = 'workforce_by_band' and (general.breakdown like '%cluster%' or general.breakdown = 'senior'))

),

wres_headline as (

    select organisation_code, wres_year, indicator, breakdown, measure, value, ci_lower, ci_upper, assessment,
        four_fifths_band, previous_value
    from {{ ref('rpt_wres_headline') }}
    where organisation_code <> 'ALL'

),

differences as (

    select 'return only in the general engine' as side, organisation_code, wres_year, indicator, breakdown
    from (select * from general_return except all select * from wres_return)
    union all
    select 'return only in the WRES return' as side, organisation_code, wres_year, indicator, breakdown
    from (select * from wres_return except all select * from general_return)
    union all
    select 'headline only in the general engine' as side, organisation_code, wres_year, indicator, breakdown
    from (select * from general_headline except all select * from wres_headline)
    union all
    select 'headline only in the WRES headline' as side, organisation_code, wres_year, indicator, breakdown
    from (select * from wres_headline except all select * from general_headline)

)

select * from differences
