-- One row per valid user with the attributes a user-level release may generalize (age, geography,
-- signup date, gender) and behaviour reduced to bands. Input of rpt_users_k_anonymous; never exported.
{{ config(meta={'erasure': 'in_place'}) }}
with

users as (

    select * from {{ ref('stg_app__users') }}
    where quarantine_reason is null

),

continents as (

    select * from {{ ref('country_continents') }}

),

sessions as (

    select
        user_key,
        count(*) as session_count,
        sum(case when has_purchase then 1 else 0 end) as purchase_count,
        sum(revenue_usd) as revenue_usd

    from {{ ref('fct_sessions') }}
    group by user_key

),

final as (

    select
        users.user_key,
        users.age,
        users.city,
        users.region,
        users.country,
        coalesce(continents.continent, 'Other') as continent,
        users.gender,
        users.tier,
        cast(users.created_at as date) as signup_date,
        case
            when coalesce(sessions.session_count, 0) = 0 then '0'
            when sessions.session_count <= 5 then '1-5'
            when sessions.session_count <= 20 then '6-20'
            else '21+'
        end as activity_band,
        case
            when coalesce(sessions.purchase_count, 0) = 0 then '0'
            when sessions.purchase_count <= 2 then '1-2'
            else '3+'
        end as purchase_band,
        case
            when coalesce(sessions.revenue_usd, 0) = 0 then 'none'
            when sessions.revenue_usd < 100 then 'under 100'
            when sessions.revenue_usd < 500 then '100-499'
            else '500+'
        end as spend_band

    from users
    left join continents on users.country = continents.country
    left join sessions on users.user_key = sessions.user_key

)

select * from final
