{#- Indicator 9: the board on 31 March by ethnic group, for voting, executive, non-executive and all members.
    Present when the board has at least one member on the day. The rule is macro board_counts, shared with the
    general return (and WDES metric 10). -#}

with

counts as (

    {{ board_counts(
        members=rebuild_scope(ref('int_board_members_on_snapshot')),
        groups=wres_group_scaffold(ref('ethnic_groups')),
        characteristics=wres_characteristics()
    ) }}

),

final as (

    select
        organisation_code,
        wres_year,
        9 as indicator,
        breakdown,
        group_name as ethnic_group,
        numerator,
        denominator,
        value

    from counts

)

select * from final
