-- One row per session of analytics-consented events: length, funnel stages reached, revenue.
{{ config(meta={'erasure': 'in_place'}) }}
with

events as (

    select * from {{ ref('fct_events') }}

),

final as (

    select
        session_id,
        max(user_key) as user_key,
        max(device) as device,
        max(browser_family) as browser_family,
        max(country) as country,
        count(*) as event_count,
        sum(case when event_type = 'page_view' then 1 else 0 end) as page_view_count,
        cast(coalesce(sum(revenue_usd), 0) as decimal(14, 2)) as revenue_usd,
        max(case when event_type = 'search' then 1 else 0 end) = 1 as has_search,
        max(case when event_type = 'add_to_cart' then 1 else 0 end) = 1 as has_add_to_cart,
        max(case when event_type = 'purchase' then 1 else 0 end) = 1 as has_purchase,
        max(case when event_type = 'signup' then 1 else 0 end) = 1 as is_signup_session,
        min(event_ts) as started_at,
        max(event_ts) as ended_at,
        cast(min(event_ts) as date) as session_date

    from events
    group by session_id

)

select * from final
