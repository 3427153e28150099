{#- The headline measures with disclosure control (spec outputs.md section 2): computed by the same engine as
    the confidential headline (macro wres_headline) from the published return, so a likelihood, interval, gap
    or difference built on a suppressed count or value is suppressed too. `suppressed` is true where disclosure
    control hid a value or interval that the confidential headline has. -#}

with

published as (

    {{ wres_headline(ref('rpt_publication_wres_return')) }}

),

final as (

    {{ flag_suppressed_headline('published', ref('rpt_wres_headline'),
                                ['organisation_code', 'wres_year', 'indicator', 'breakdown', 'measure']) }}

)

select * from final
order by organisation_code, wres_year, indicator, breakdown, measure
