{#- The general return with disclosure control, as the published WRES return (macro
    disclosure_controlled_return): counts from 1 to 7 suppressed, other counts rounded to the nearest 5, the
    value recomputed from the published counts and suppressed when either count is or, for a survey metric
    (seed equality_metrics, family survey), when the group has from 1 to 10 respondents. The diversity
    scorecard is computed from it. -#}

with

published as (

    {{ disclosure_controlled_return(
        return_relation=rebuild_scope(ref('rpt_equality_return')),
        key_columns=['organisation_code', 'wres_year', 'characteristic', 'metric', 'breakdown', 'group_name'],
        withhold_small_base="return_rows.metric in (select metric from " ~ ref('equality_metrics')
                            ~ " where family = 'survey')",
        control_relation=ref('disclosure_control')
    ) }}

)

select * from published
order by organisation_code, wres_year, characteristic, metric, breakdown, group_name
