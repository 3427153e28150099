{#- Every characteristic of seed equality_groups has exactly one reference group and at least one focus group:
    the headline and the pay gaps compare each focus group with the one reference group. -#}

select characteristic, count(*) filter (where comparison_role = 'reference') as reference_groups,
    count(*) filter (where comparison_role = 'focus') as focus_groups
from {{ ref('equality_groups') }}
group by characteristic
having count(*) filter (where comparison_role = 'reference') <> 1
    or count(*) filter (where comparison_role = 'focus') = 0
