{#- Indicator 4: people accessing non-mandatory training or CPD, over the workforce population. The rule is
    macro event_rates, shared with the general return. -#}

with

rates as (

    {{ event_rates(
        reporting_years=none,
        event_counts=rebuild_scope(ref('int_wres_event_counts')),
        event_type='training',
        group_columns=['ethnic_group'],
        single_year_breakdown='all',
        rolling=false
    ) }}

),

final as (

    select
        organisation_code,
        wres_year,
        4 as indicator,
        breakdown,
        ethnic_group,
        numerator,
        denominator,
        value

    from rates

)

select * from final
