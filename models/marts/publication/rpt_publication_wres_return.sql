{#- The WRES return with disclosure control (spec outputs.md section 2), safe to publish:
    - a count from 1 to 7 is suppressed, any other count is rounded to the nearest 5 (seed disclosure_control);
    - the value is recomputed from the published counts, so that it reveals nothing the counts do not, and is
      suppressed when either count is, or, for the survey indicators 5 to 8, when the group has from 1 to 10
      respondents (a group of none has no percentage to hide);
    - rows that total all organisations together (organisation_code ALL) are published as they are.
    `suppressed` is true on every row where disclosure control hid a count or the value. -#}

with

return_rows as (

    select * from {{ ref('rpt_wres_return') }}

),

disclosure_control as (

    select * from {{ ref('disclosure_control') }}

),

controlled as (

    select
        return_rows.organisation_code,
        return_rows.wres_year,
        return_rows.indicator,
        return_rows.breakdown,
        return_rows.ethnic_group,
        return_rows.organisation_code = 'ALL' as is_all_organisations,
        return_rows.numerator as exact_numerator,
        return_rows.denominator as exact_denominator,
        {{ published_count('return_rows.numerator', 'disclosure_control') }} as controlled_numerator,
        {{ published_count('return_rows.denominator', 'disclosure_control') }} as controlled_denominator,
        return_rows.indicator between 5 and 8
            and return_rows.denominator > 0
            and return_rows.denominator < disclosure_control.min_survey_respondents as is_small_survey_group

    from return_rows
    cross join disclosure_control

),

published as (

    select
        organisation_code,
        wres_year,
        indicator,
        breakdown,
        ethnic_group,
        case when is_all_organisations then exact_numerator else controlled_numerator end as numerator,
        case when is_all_organisations then exact_denominator else controlled_denominator end as denominator,
        not is_all_organisations and is_small_survey_group as is_value_withheld

    from controlled

),

final as (

    select
        organisation_code,
        wres_year,
        indicator,
        breakdown,
        ethnic_group,
        numerator,
        denominator,
        case
            when numerator is null or denominator is null or is_value_withheld then null
            else {{ pct('numerator', 'denominator') }}
        end as value,
        numerator is null or denominator is null or is_value_withheld as suppressed

    from published

)

select * from final
order by organisation_code, wres_year, indicator, breakdown, ethnic_group
