{#- The assignments of every staff-in-post snapshot (stg_esr__assignments), persisted once. Three models read
    them; as the staging view, its window (the assignment order) and its pseudonym joins over every row of every
    snapshot would be computed again for each of them (docs/performance.md). -#}

with

assignments as (

    select * from {{ rebuild_scope(ref('stg_esr__assignments')) }}

),

final as (

    select * from assignments

)

select * from final
