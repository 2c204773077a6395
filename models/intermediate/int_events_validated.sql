-- Every staged event with its quarantine_reason, adding the cross-row checks staging cannot make:
-- the user must exist, and an event_id delivered twice keeps its first copy only.
{{ config(meta={'erasure': 'in_place'}) }}

with

events as (

    select * from {{ ref('stg_app__events') }}

),

users as (

    select user_key from {{ ref('stg_app__users') }}

),

checked as (

    select
        events.*,
        users.user_key is not null as user_exists,
        row_number() over (partition by events.event_id order by events.event_ts, events.session_id) as copy_number

    from events
    left join users on events.user_key = users.user_key

),

final as (

    select
        event_id,
        user_key,
        session_id,
        event_type,
        page_url,
        search_query,
        product_id,
        currency,
        device,
        os,
        browser,
        browser_family,
        referrer,
        ip_prefix,
        country,
        revenue,
        gpc,
        coalesce(
            quarantine_reason,
            case
                when not user_exists then 'unknown_user_id'
                when copy_number > 1 then 'duplicate_event_id'
            end
        ) as quarantine_reason,
        event_ts,
        event_date

    from checked

)

select * from final
