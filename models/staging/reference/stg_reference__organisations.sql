with

source as (

    select * from {{ source('reference', 'organisations') }}

),

renamed as (

    select
        organisation_code,
        organisation_name,
        region,
        organisation_type

    from source

)

select * from renamed
