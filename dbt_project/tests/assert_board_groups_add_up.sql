-- Indicator 9: the three groups of every board breakdown add up to its total, and board_all holds every member.
with

board as (

    select * from {{ ref('fct_wres_board') }}

),

sums as (

    select organisation_code, wres_year, breakdown, sum(numerator) as members, max(denominator) as denominator
    from board
    group by 1, 2, 3

),

failures as (

    select organisation_code, wres_year, breakdown, 'groups do not add up to the total' as problem
    from sums
    where members <> denominator

    union all

    select part.organisation_code, part.wres_year, part.breakdown, 'a breakdown is larger than board_all'
    from sums as part
    inner join sums as board_all
        on board_all.organisation_code = part.organisation_code
        and board_all.wres_year = part.wres_year
        and board_all.breakdown = 'board_all'
    where part.denominator > board_all.denominator

)

select * from failures
