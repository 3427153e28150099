{#- Indicator 4: people accessing non-mandatory training or CPD, over the workforce population. -#}

with

event_counts as (

    select * from {{ ref('int_wres_event_counts') }}
    where event_type = 'training'

),

final as (

    select
        organisation_code,
        wres_year,
        4 as indicator,
        'all' as breakdown,
        ethnic_group,
        numerator,
        denominator,
        {{ pct('numerator', 'denominator') }} as value

    from event_counts

)

select * from final
