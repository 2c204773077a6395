-- Purchase revenue in USD by signup cohort, tier and country.
with

purchases as (

    select
        user_key,
        revenue_usd
    from {{ ref('fct_events') }}
    where event_type = 'purchase'

),

users as (

    select
        user_key,
        cohort_month,
        tier,
        country
    from {{ ref('dim_users') }}

),

final as (

    select
        users.cohort_month,
        users.tier,
        users.country,
        count(*) as purchases,
        count(distinct purchases.user_key) as purchasing_users,
        cast(sum(purchases.revenue_usd) as decimal(18, 2)) as revenue_usd

    from purchases
    inner join users on purchases.user_key = users.user_key
    group by users.cohort_month, users.tier, users.country

)

select * from final
