{#- Disclosure control (spec domain.md, "Confidentiality"), with the thresholds of seed disclosure_control. -#}

{% macro published_count(count, control) -%}
    {#- A count from suppress_counts_from to suppress_counts_to is suppressed (null); any other is rounded to the
        nearest multiple of round_counts_to. `control` is the alias of the one-row disclosure_control seed. -#}
    case
        when {{ count }} between {{ control }}.suppress_counts_from and {{ control }}.suppress_counts_to then null
        else cast(round({{ count }} * 1.0 / {{ control }}.round_counts_to) * {{ control }}.round_counts_to as bigint)
    end
{%- endmacro %}

{% macro disclosure_controlled_return(return_relation, key_columns, withhold_small_base, control_relation) %}
    {#- A return-shaped relation (`key_columns`, numerator, denominator) with disclosure control, as every published
        table applies it (spec outputs.md section 2):
        - a count from 1 to 7 is suppressed, any other count is rounded to the nearest 5 (`control_relation`,
          the one-row seed disclosure_control);
        - the value is recomputed from the published counts, so that it reveals nothing the counts do not, and is
          suppressed when either count is, or when `withhold_small_base` (a condition on the row, e.g. a survey
          indicator) holds and the base is from 1 to min_survey_respondents - 1 (a base of none has no
          percentage to hide);
        - rows that total all organisations together (organisation_code ALL) are published as they are.
        `suppressed` is true on every row where disclosure control hid a count or the value. -#}
    with

    controlled as (

        select
            {%- for column in key_columns %}
            return_rows.{{ column }},
            {%- endfor %}
            return_rows.organisation_code = 'ALL' as is_all_organisations,
            return_rows.numerator as exact_numerator,
            return_rows.denominator as exact_denominator,
            {{ published_count('return_rows.numerator', 'disclosure_control') }} as controlled_numerator,
            {{ published_count('return_rows.denominator', 'disclosure_control') }} as controlled_denominator,
            ({{ withhold_small_base }})
                and return_rows.denominator > 0
                and return_rows.denominator < disclosure_control.min_survey_respondents as is_small_survey_group

        from {{ return_relation }} as return_rows
        cross join {{ control_relation }} as disclosure_control

    ),

    published as (

        select
            {%- for column in key_columns %}
            {{ column }},
            {%- endfor %}
            case when is_all_organisations then exact_numerator else controlled_numerator end as numerator,
            case when is_all_organisations then exact_denominator else controlled_denominator end as denominator,
            not is_all_organisations and is_small_survey_group as is_value_withheld

        from controlled

    )

    select
        {%- for column in key_columns %}
        {{ column }},
        {%- endfor %}
        numerator,
        denominator,
        case
            when numerator is null or denominator is null or is_value_withheld then null
            else {{ pct('numerator', 'denominator') }}
        end as value,
        numerator is null or denominator is null or is_value_withheld as suppressed

    from published
{% endmacro %}

{% macro flag_suppressed_headline(published_relation, exact_relation, key_columns) %}
    {#- A headline computed from a published return, against the same headline from the exact return:
        `suppressed` is true where disclosure control hid a value or interval that the exact headline has, and
        the assessment is hidden with the value. -#}
    select
        published.*
            replace (
                case when published.value is null and exact.value is not null then null
                    else published.assessment end as assessment
            ),
        (published.value is null and exact.value is not null)
            or (published.ci_lower is null and exact.ci_lower is not null) as suppressed

    from {{ published_relation }} as published
    inner join {{ exact_relation }} as exact
        on {% for column in key_columns %}exact.{{ column }} = published.{{ column }}{{ '\n        and ' if not loop.last }}{% endfor %}
{% endmacro %}
