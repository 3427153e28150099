{#- The general return: the WRES indicators and the WDES metrics for every protected characteristic the sources
    hold, one row per organisation, WRES year, characteristic, metric, breakdown and group (exact counts;
    confidential). Each family is the macro the WRES marts use, called with every characteristic:
    - workforce_by_band (WRES 1, WDES 1): the fixed grid, the totals, the band clusters of seed band_clusters on
      each side and the senior bands; ethnicity, disability, sex, age group;
    - appointed_from_shortlisting (WRES 2, WDES 2): by the application's own ethnicity, disability and sex;
    - formal_disciplinary (WRES 3) and formal_capability (WDES 3), single_year and rolling_two_year, and
      non_mandatory_training (WRES 4): event people over the workforce population; ethnicity, disability, sex,
      age group;
    - the survey metrics of seed survey_metric_questions (WRES 5 to 8, WDES 4a and 5): by the respondent's own
      ethnicity, disability and sex answers;
    - board (WRES 9, WDES 10): members on 31 March by ethnicity, disability and sex.
    Groups are those of seed equality_groups (source values mapped by seed equality_group_codes); every group
    appears, with zeros. The ethnicity rows equal the WRES return's (test assert_equality_return_reproduces_wres). -#}

{%- set hr = equality_characteristics(['ethnicity', 'disability', 'sex', 'age_group']) %}
{%- set own_answers = equality_characteristics(['ethnicity', 'disability', 'sex']) %}

with

workforce_by_band as (

    {{ workforce_by_band_counts(
        reporting_years=rebuild_scope(ref('int_wres_reporting_years')),
        population=rebuild_scope(ref('int_wres_workforce_population')),
        bands=ref('indicator_1_bands'),
        groups=equality_group_scaffold(ref('equality_groups'), hr),
        characteristics=hr,
        group_codes=ref('equality_group_codes'),
        clusters=ref('band_clusters')
    ) }}

),

appointments as (

    {{ appointment_counts(
        reporting_years=rebuild_scope(ref('int_wres_reporting_years')),
        applications=rebuild_scope(ref('stg_recruitment__applications')),
        groups=equality_group_scaffold(ref('equality_groups'), own_answers),
        characteristics=own_answers,
        group_codes=ref('equality_group_codes')
    ) }}

),

disciplinary as (

    {{ event_rates(rebuild_scope(ref('int_wres_reporting_years')), rebuild_scope(ref('int_equality_event_counts')), 'disciplinary',
                   ['characteristic', 'group_name'], 'single_year', rolling=true) }}

),

capability as (

    {{ event_rates(rebuild_scope(ref('int_wres_reporting_years')), rebuild_scope(ref('int_equality_event_counts')), 'capability',
                   ['characteristic', 'group_name'], 'single_year', rolling=true) }}

),

training as (

    {{ event_rates(none, rebuild_scope(ref('int_equality_event_counts')), 'training',
                   ['characteristic', 'group_name'], 'all', rolling=false) }}

),

staff_survey as (

    {{ survey_counts(
        reporting_years=rebuild_scope(ref('int_wres_reporting_years')),
        responses=rebuild_scope(ref('int_equality_survey_responses')),
        groups=equality_group_scaffold(ref('equality_groups'), own_answers),
        key_column='metric',
        characteristics=own_answers,
        group_codes=ref('equality_group_codes')
    ) }}

),

board as (

    {{ board_counts(
        members=rebuild_scope(ref('int_board_members_on_snapshot')),
        groups=equality_group_scaffold(ref('equality_groups'), own_answers),
        characteristics=own_answers,
        group_codes=ref('equality_group_codes')
    ) }}

),

unioned as (

    select organisation_code, wres_year, characteristic, 'workforce_by_band' as metric, breakdown, group_name,
        numerator, denominator, value
    from workforce_by_band
    union all
    select organisation_code, wres_year, characteristic, 'appointed_from_shortlisting' as metric, breakdown,
        group_name, numerator, denominator, value
    from appointments
    union all
    select organisation_code, wres_year, characteristic, 'formal_disciplinary' as metric, breakdown, group_name,
        numerator, denominator, value
    from disciplinary
    union all
    select organisation_code, wres_year, characteristic, 'formal_capability' as metric, breakdown, group_name,
        numerator, denominator, value
    from capability
    union all
    select organisation_code, wres_year, characteristic, 'non_mandatory_training' as metric, breakdown,
        group_name, numerator, denominator, value
    from training
    union all
    select organisation_code, wres_year, characteristic, metric, breakdown, group_name, numerator, denominator,
        value
    from staff_survey
    union all
    select organisation_code, wres_year, characteristic, 'board' as metric, breakdown, group_name, numerator,
        denominator, value
    from board

),

final as (

    select
        cast(organisation_code as varchar) as organisation_code,
        cast(wres_year as integer) as wres_year,
        cast(characteristic as varchar) as characteristic,
        cast(metric as varchar) as metric,
        cast(breakdown as varchar) as breakdown,
        cast(group_name as varchar) as group_name,
        cast(numerator as bigint) as numerator,
        cast(denominator as bigint) as denominator,
        cast(value as double precision) as value

    from unioned

)

select * from final
order by organisation_code, wres_year, characteristic, metric, breakdown, group_name
