{#- Indicator 2: shortlisted applications (shortlisted = Y, shortlisted_date in the event period) and how many
    were appointed, by the applicant's ethnic group. The rule is macro appointment_counts, shared with the
    general return. -#}

with

counts as (

    {{ appointment_counts(
        reporting_years=rebuild_scope(ref('int_wres_reporting_years')),
        applications=rebuild_scope(ref('stg_recruitment__applications')),
        groups=wres_group_scaffold(ref('ethnic_groups')),
        characteristics=wres_characteristics()
    ) }}

),

final as (

    select
        organisation_code,
        wres_year,
        2 as indicator,
        breakdown,
        group_name as ethnic_group,
        numerator,
        denominator,
        value

    from counts

)

select * from final
