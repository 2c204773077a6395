-- One row per valid account: pseudonymous key and generalized attributes only.
{{ config(meta={'erasure': 'in_place'}) }}
with

users as (

    select * from {{ ref('stg_app__users') }}
    where quarantine_reason is null

),

final as (

    select
        user_key,
        country,
        region,
        locale,
        age_band,
        gender,
        tier,
        account_status,
        cast(lifetime_value as decimal(14, 2)) as lifetime_value_usd,
        created_at,
        last_login_at,
        cast(created_at as date) as signup_date,
        cast(date_trunc('month', created_at) as date) as cohort_month

    from users

)

select * from final
