with

source as (

    select * from {{ source('board', 'board') }}

),

pseudonyms as (

    select * from {{ source('board', 'board_pseudonyms') }}

),

ethnic_categories as (

    select * from {{ ref('ethnic_categories') }}

),

renamed as (

    select
        organisation_code,
        member_id_pseudonyms.pseudonym as member_id,
        role_title,
        member_type,
        voting as is_voting,
        ethnic_origin,
        {{ ethnic_category_code('ethnic_origin') }} as ethnic_category_code,
        disability,
        sex,
        start_date,
        end_date,
        _file_name as source_file_name,
        _line_number as source_line_number

    from source
    left join pseudonyms as member_id_pseudonyms on member_id_pseudonyms.value = source.member_id

),

final as (

    select
        renamed.*,
        {{ ethnic_group('ethnic_categories') }} as ethnic_group

    from renamed
    left join ethnic_categories on ethnic_categories.category_code = left(renamed.ethnic_category_code, 1)

)

select * from final
