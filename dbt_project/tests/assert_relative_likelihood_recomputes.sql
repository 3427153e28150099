-- Indicators 2 to 4: the headline relative likelihood equals the ratio of the two groups' rates in the return
-- (White over BME for 2 and 4, BME over White for 3). Returns the headline rows that do not.
with

return_rows as (

    select * from {{ ref('rpt_wres_return') }}

),

headline as (

    select * from {{ ref('rpt_wres_headline') }}
    where measure = 'relative_likelihood'

),

rates as (

    select
        organisation_code,
        wres_year,
        indicator,
        breakdown,
        max(value) filter (where ethnic_group = 'White') as white_rate,
        max(value) filter (where ethnic_group = 'BME') as bme_rate

    from return_rows
    where indicator in (2, 3, 4)
    group by 1, 2, 3, 4

),

expected as (

    select
        rates.*,
        case
            when white_rate is null or bme_rate is null then null
            when indicator = 3 and white_rate > 0 then bme_rate / white_rate
            when indicator <> 3 and bme_rate > 0 then white_rate / bme_rate
        end as likelihood

    from rates

),

failures as (

    select headline.*, expected.likelihood as expected_likelihood
    from headline
    inner join expected
        on expected.organisation_code = headline.organisation_code
        and expected.wres_year = headline.wres_year
        and expected.indicator = headline.indicator
        and expected.breakdown = headline.breakdown
    where (headline.value is null) <> (expected.likelihood is null)
        or abs(headline.value - expected.likelihood) > 1e-9 * greatest(1, expected.likelihood)

)

select * from failures
