{#- Indicators 5 to 8 from the staff survey fielded in year Y-1: respondents in each indicator's base and
    those answering positively, by the respondent's own ethnic group. Present when the organisation has
    respondents in Y-1 and the question map covers Y-1. The rule is macro survey_counts, shared with the
    general return (and WDES metrics 4a and 5). -#}

with

counts as (

    {{ survey_counts(
        reporting_years=rebuild_scope(ref('int_wres_reporting_years')),
        responses=rebuild_scope(ref('int_staff_survey_indicator_responses')),
        groups=wres_group_scaffold(ref('ethnic_groups')),
        key_column='indicator',
        characteristics=wres_characteristics()
    ) }}

),

final as (

    select
        organisation_code,
        wres_year,
        indicator,
        breakdown,
        group_name as ethnic_group,
        numerator,
        denominator,
        value

    from counts

)

select * from final
