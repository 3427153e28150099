{#- The headline measures of the general return with disclosure control: computed by the same engine (macro
    equality_headline) from the published general return, so a likelihood, interval, gap or difference built
    on a suppressed count or value is suppressed too. `suppressed` is true where disclosure control hid a value
    or interval that the exact headline (rpt_equality_headline) has. -#}

with

published as (

    {{ equality_headline(
        rebuild_scope(ref('rpt_publication_equality_return')),
        "(select characteristic, group_name, comparison_role from " ~ ref('equality_groups') ~ ")",
        ref('equality_metrics')
    ) }}

),

final as (

    {{ flag_suppressed_headline('published', rebuild_scope(ref('rpt_equality_headline')),
                                ['organisation_code', 'wres_year', 'characteristic', 'metric', 'breakdown',
                                 'focus_group', 'measure']) }}

)

select * from final
order by organisation_code, wres_year, characteristic, metric, breakdown, focus_group, measure
