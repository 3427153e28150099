{#- Indicator 1: the share of White, BME and Unknown staff in each cell of the fixed grid (clinical flag x band),
    and in the non_clinical, clinical and overall totals. Every cell appears, with zeros. The rule is macro
    workforce_by_band_counts, shared with the general return (every characteristic, and band clusters). -#}

with

counts as (

    {{ workforce_by_band_counts(
        reporting_years=rebuild_scope(ref('int_wres_reporting_years')),
        population=rebuild_scope(ref('int_wres_workforce_population')),
        bands=ref('indicator_1_bands'),
        groups=wres_group_scaffold(ref('ethnic_groups')),
        characteristics=wres_characteristics()
    ) }}

),

final as (

    select
        organisation_code,
        wres_year,
        1 as indicator,
        breakdown,
        group_name as ethnic_group,
        numerator,
        denominator,
        value

    from counts

)

select * from final
