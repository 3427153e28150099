{#- The WRES return with disclosure control (spec outputs.md section 2), safe to publish:
    - a count from 1 to 7 is suppressed, any other count is rounded to the nearest 5 (seed disclosure_control);
    - the value is recomputed from the published counts, so that it reveals nothing the counts do not, and is
      suppressed when either count is, or, for the survey indicators 5 to 8, when the group has from 1 to 10
      respondents (a group of none has no percentage to hide);
    - rows that total all organisations together (organisation_code ALL) are published as they are.
    `suppressed` is true on every row where disclosure control hid a count or the value. The rule is macro
    disclosure_controlled_return, shared with every published table of the diversity scorecard. -#}

with

published as (

    {{ disclosure_controlled_return(
        return_relation=ref('rpt_wres_return'),
        key_columns=['organisation_code', 'wres_year', 'indicator', 'breakdown', 'ethnic_group'],
        withhold_small_base='return_rows.indicator between 5 and 8',
        control_relation=ref('disclosure_control')
    ) }}

)

select * from published
order by organisation_code, wres_year, indicator, breakdown, ethnic_group
