{#- The workforce population P(O, Y) of spec indicators.md: the WRES workforce on the 31 March snapshot of each
    reported year, one row per person, each placed in one indicator 1 cell (clinical flag x band), with the
    person's protected characteristics as ESR records them and hourly pay (for the equality engine, the PSED
    profile and the pay gaps). -#}

with

reporting_years as (

    select * from {{ rebuild_scope(ref('int_wres_reporting_years')) }}

),

people as (

    select * from {{ rebuild_scope(ref('int_workforce_people_by_snapshot')) }}

),

staff_groups as (

    select * from {{ ref('staff_groups') }}

),

medical_grades as (

    select * from {{ ref('medical_grades') }}

),

pay_bands as (

    select * from {{ ref('pay_bands') }}

),

population as (

    select
        reporting_years.organisation_code,
        reporting_years.wres_year,
        people.employee_number,
        people.ethnic_group,
        people.staff_group,
        people.pay_band,
        people.grade,
        people.ethnic_category_code,
        people.disability,
        people.sex,
        people.age_band,
        people.religious_belief,
        people.sexual_orientation,
        people.hourly_rate

    from reporting_years
    inner join people
        on people.organisation_code = reporting_years.organisation_code
        and people.snapshot_date = reporting_years.snapshot_date

),

classified as (

    select
        population.*,
        {#- Administrative and Clerical, Estates and Ancillary are non-clinical; every other group is clinical. #}
        coalesce(staff_groups.is_clinical, true) as is_clinical,
        case
            when {{ pay_band_key('population.pay_band') }} = 'vsm' then 'vsm'
            when lower(population.staff_group) = 'medical and dental'
                then coalesce(medical_grades.band, 'medical_other')
            when pay_bands.band is not null then pay_bands.band
            else 'other'
        end as band

    from population
    left join staff_groups
        on lower(staff_groups.staff_group) = lower(population.staff_group)
    left join medical_grades
        on lower(medical_grades.grade) = lower(trim(population.grade))
    left join pay_bands
        on pay_bands.pay_band_key = {{ pay_band_key('population.pay_band') }}

),

final as (

    select
        organisation_code,
        wres_year,
        employee_number,
        ethnic_group,
        staff_group,
        is_clinical,
        band,
        ethnic_category_code,
        disability,
        sex,
        age_band,
        religious_belief,
        sexual_orientation,
        hourly_rate

    from classified

)

select * from final
