-- Session funnel page_view -> add_to_cart -> purchase by segment (device, age band, tier).
with

sessions as (

    select * from {{ ref('fct_sessions') }}

),

users as (

    select
        user_key,
        age_band,
        tier
    from {{ ref('dim_users') }}

),

segmented as (

    select
        sessions.device,
        users.age_band,
        users.tier,
        sessions.page_view_count > 0 as reached_page_view,
        sessions.has_add_to_cart,
        sessions.has_purchase

    from sessions
    inner join users on sessions.user_key = users.user_key

),

final as (

    select
        device,
        age_band,
        tier,
        count(*) as sessions,
        sum(case when reached_page_view then 1 else 0 end) as page_view_sessions,
        sum(case when has_add_to_cart then 1 else 0 end) as add_to_cart_sessions,
        sum(case when has_purchase then 1 else 0 end) as purchase_sessions,
        {{ veil.ratio('sum(case when has_add_to_cart then 1 else 0 end)', 'count(*)') }} as cart_rate,
        {{ veil.ratio('sum(case when has_purchase then 1 else 0 end)', 'count(*)') }} as purchase_rate

    from segmented
    group by device, age_band, tier

)

select * from final
