{#- The headline measures of the general return (exact counts; confidential): for every characteristic, each
    focus group against the reference group of seed equality_groups, each metric read as seed equality_metrics
    says (macro equality_headline, the engine of the WRES headline too). -#}

{{ equality_headline(
    rebuild_scope(ref('rpt_equality_return')),
    "(select characteristic, group_name, comparison_role from " ~ ref('equality_groups') ~ ")",
    ref('equality_metrics')
) }}
order by organisation_code, wres_year, characteristic, metric, breakdown, focus_group, measure
