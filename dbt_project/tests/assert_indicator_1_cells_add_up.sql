-- Indicator 1: the cells of each side of the grid add up to its total, the two totals to overall, and the three
-- groups of every breakdown to its denominator. Returns the rows that do not.
with

workforce_by_band as (

    select * from {{ ref('fct_wres_workforce_by_band') }}

),

group_sums as (

    select organisation_code, wres_year, breakdown, sum(numerator) as people, max(denominator) as denominator
    from workforce_by_band
    group by 1, 2, 3

),

side_sums as (

    select
        organisation_code,
        wres_year,
        split_part(breakdown, ':', 1) as side,
        sum(people) as people

    from group_sums
    where breakdown like '%:%'
    group by 1, 2, 3

),

failures as (

    select organisation_code, wres_year, breakdown, 'groups do not add up to the denominator' as problem
    from group_sums
    where people <> denominator

    union all

    select side_sums.organisation_code, side_sums.wres_year, side_sums.side, 'cells do not add up to the total'
    from side_sums
    inner join group_sums
        on group_sums.organisation_code = side_sums.organisation_code
        and group_sums.wres_year = side_sums.wres_year
        and group_sums.breakdown = side_sums.side
    where side_sums.people <> group_sums.denominator

    union all

    select overall.organisation_code, overall.wres_year, 'overall', 'clinical + non_clinical <> overall'
    from group_sums as overall
    inner join group_sums as clinical
        on clinical.organisation_code = overall.organisation_code
        and clinical.wres_year = overall.wres_year
        and clinical.breakdown = 'clinical'
    inner join group_sums as non_clinical
        on non_clinical.organisation_code = overall.organisation_code
        and non_clinical.wres_year = overall.wres_year
        and non_clinical.breakdown = 'non_clinical'
    where overall.breakdown = 'overall'
        and overall.denominator <> clinical.denominator + non_clinical.denominator

)

select * from failures
