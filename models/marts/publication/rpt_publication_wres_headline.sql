{#- The headline measures with disclosure control (spec outputs.md section 2): computed by the same engine as
    the confidential headline (macro wres_headline) from the published return, so a likelihood, interval, gap
    or difference built on a suppressed count or value is suppressed too. `suppressed` is true where disclosure
    control hid a value or interval that the confidential headline has. -#}

with

published as (

    {{ wres_headline(ref('rpt_publication_wres_return')) }}

),

exact as (

    select * from {{ ref('rpt_wres_headline') }}

),

final as (

    select
        published.organisation_code,
        published.wres_year,
        published.indicator,
        published.breakdown,
        published.measure,
        published.value,
        published.ci_lower,
        published.ci_upper,
        case when published.value is null and exact.value is not null then null else published.assessment end
            as assessment,
        published.four_fifths_band,
        published.previous_value,
        (published.value is null and exact.value is not null)
            or (published.ci_lower is null and exact.ci_lower is not null) as suppressed

    from published
    inner join exact
        on exact.organisation_code = published.organisation_code
        and exact.wres_year = published.wres_year
        and exact.indicator = published.indicator
        and exact.breakdown = published.breakdown
        and exact.measure = published.measure

)

select * from final
order by organisation_code, wres_year, indicator, breakdown, measure
