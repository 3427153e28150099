{#- Pay gaps (EDS2 outcome 3.2) per organisation, WRES year and characteristic (exact; confidential): the mean
    and median hourly pay of the reference group (Male, White, Non-disabled; seed equality_groups) and of each
    comparison group (Female, BME, Disabled), and the gaps as the gender pay gap regulations define them:
    mean gap % = (mean of the reference group - mean of the comparison group) / mean of the reference group x 100,
    median gap % likewise with medians. Positive: the comparison group is paid less. Over the workforce
    population P(O, Y) with an hourly_rate (one rate per person: the chosen assignment's). The median of an
    even-sized group is the mean of its two middle rates. Exact: the mean adds the rates up in decimal
    arithmetic; the median is (lower middle + upper middle) / 2, where quantile_disc(x, 0.5) is the value at
    position ceil(n / 2) of n values in order (the lower middle; the middle when n is odd), so the lower middle
    is quantile_disc(rate, 0.5) and the upper middle -quantile_disc(-rate, 0.5). Each person is mapped to their
    groups first (characteristic_groups): medians cannot be added up by group afterwards. -#}

{%- set characteristics = equality_characteristics(['ethnicity', 'disability', 'sex']) %}

with

reporting_years as (

    select * from {{ rebuild_scope(ref('int_wres_reporting_years')) }}

),

paid_population as (

    select * from {{ rebuild_scope(ref('int_wres_workforce_population')) }}
    where hourly_rate is not null

),

comparison_groups as (

    select characteristic, group_name, comparison_role
    from {{ ref('equality_groups') }}
    where comparison_role is not null
        and characteristic in ({% for c in characteristics %}'{{ c.name }}'{{ ', ' if not loop.last }}{% endfor %})

),

paid_people as (

    {{ characteristic_groups('paid_population', characteristics, ref('equality_group_codes')) }}

),

group_pay as (

    select
        organisation_code,
        wres_year,
        case
            {%- for c in characteristics %}
            when grouping({{ c.name }}_group) = 0 then '{{ c.name }}'
            {%- endfor %}
        end as characteristic,
        case
            {%- for c in characteristics %}
            when grouping({{ c.name }}_group) = 0 then {{ c.name }}_group
            {%- endfor %}
        end as group_name,
        count(*) as headcount,
        cast(sum(cast(hourly_rate as decimal(38, 10))) / count(*) as double precision) as mean_hourly_pay,
        (quantile_disc(hourly_rate, 0.5) - quantile_disc(-hourly_rate, 0.5)) / 2 as median_hourly_pay

    from paid_people
    group by grouping sets (
        {%- for c in characteristics %}
        (organisation_code, wres_year, {{ c.name }}_group){{ ',' if not loop.last }}
        {%- endfor %}
    )

),

scaffold as (

    select
        reporting_years.organisation_code,
        reporting_years.wres_year,
        comparison.characteristic,
        reference.group_name as reference_group,
        comparison.group_name as comparison_group

    from reporting_years
    cross join comparison_groups as comparison
    inner join comparison_groups as reference
        on reference.characteristic = comparison.characteristic
        and reference.comparison_role = 'reference'
    where comparison.comparison_role = 'focus'

),

final as (

    select
        scaffold.organisation_code,
        scaffold.wres_year,
        scaffold.characteristic,
        scaffold.reference_group,
        scaffold.comparison_group,
        coalesce(reference.headcount, 0) as reference_headcount,
        coalesce(comparison.headcount, 0) as comparison_headcount,
        reference.mean_hourly_pay as reference_mean_hourly_pay,
        comparison.mean_hourly_pay as comparison_mean_hourly_pay,
        reference.median_hourly_pay as reference_median_hourly_pay,
        comparison.median_hourly_pay as comparison_median_hourly_pay,
        {{ pay_gap('reference.mean_hourly_pay', 'comparison.mean_hourly_pay') }} as mean_gap_pct,
        {{ pay_gap('reference.median_hourly_pay', 'comparison.median_hourly_pay') }} as median_gap_pct

    from scaffold
    left join group_pay as reference
        on reference.organisation_code = scaffold.organisation_code
        and reference.wres_year = scaffold.wres_year
        and reference.characteristic = scaffold.characteristic
        and reference.group_name = scaffold.reference_group
    left join group_pay as comparison
        on comparison.organisation_code = scaffold.organisation_code
        and comparison.wres_year = scaffold.wres_year
        and comparison.characteristic = scaffold.characteristic
        and comparison.group_name = scaffold.comparison_group

)

select * from final
order by organisation_code, wres_year, characteristic, comparison_group
