-- Clean events used for analytics: only those whose analytics consent was valid at the event's time.
-- Incremental: each run rewrites the date partitions it selects (insert_overwrite); set var
-- events_lookback_days to rebuild only recent days.
{#- insert_overwrite of date partitions on Spark; the same effect on PostgreSQL: delete+insert by date -#}
{{ config(
    materialized='incremental',
    incremental_strategy='insert_overwrite' if target.type == 'spark' else 'delete+insert',
    unique_key=none if target.type == 'spark' else 'event_date',
    partition_by=['event_date'],
    on_schema_change='fail',
    meta={'erasure': 'in_place'}
) }}

with

events as (

    select * from {{ ref('int_events_consented') }}
    where
        {{ veil.consent_filter() }}
        {%- if is_incremental() and var('events_lookback_days', none) %}
        and event_date >= {{ dbt.dateadd('day', -1 * var('events_lookback_days'), dbt.current_timestamp()) }}
        {%- endif %}

),

final as (

    select
        event_id,
        session_id,
        user_key,
        event_type,
        page_url,
        product_id,
        currency,
        device,
        os,
        browser_family,
        referrer,
        country,
        cast(revenue as decimal(14, 2)) as revenue,
        cast(revenue_usd as decimal(14, 2)) as revenue_usd,
        gpc as has_gpc_signal,
        event_ts,
        event_date

    from events

)

select * from final
{{ veil.distribute_by('event_date') }}
