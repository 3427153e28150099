{#- The assignments of every staff-in-post snapshot (stg_esr__assignments), persisted once. Three models read
    them; as the staging view, its window (the assignment order) and its pseudonym joins over every row of every
    snapshot would be computed again for each of them (docs/performance.md). Only the columns they read are
    kept: each text column of 9.6 million national rows costs about 0.6 s to write (docs/performance.md,
    item 66). -#}

with

assignments as (

    select * from {{ rebuild_scope(ref('stg_esr__assignments')) }}

),

final as (

    {#- Every column but those none of the three reads. #}
    select * exclude (occupation_code, ethnic_origin, source_file_name, source_line_number)

    from assignments

)

select * from final
