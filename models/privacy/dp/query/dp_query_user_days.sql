-- Contribution-bounded input of the API's on-demand DP queries (`veil serve`): one row per user and day, at
-- most dp_query.max_days days per user (picked by a salted hash rank, not by date), every measure clamped per
-- day. A day's row carries the country, device and browser family of its first event; funnel_step is the
-- deepest of dp_query.funnel_steps reached that day (0: none).
{{ config(meta={'erasure': 'in_place'}) }}
{%- set bounds = var('dp_query') %}
{%- set salt = var('dp_salt', invocation_id) %}
with

events as (

    select
        user_key,
        event_id,
        event_type,
        country,
        device,
        browser_family,
        revenue_usd,
        event_ts,
        event_date

    from {{ ref('fct_events') }}
    where user_key is not null

),

first_events as (

    select
        user_key,
        event_date,
        country,
        device,
        browser_family,
        row_number() over (partition by user_key, event_date order by event_ts, event_id) as event_rank

    from events

),

days as (

    select
        user_key,
        event_date,
        count(*) as events,
        sum(case when event_type = 'page_view' then 1 else 0 end) as page_views,
        sum(case when event_type = 'purchase' then 1 else 0 end) as purchases,
        sum(case when event_type = 'purchase' then revenue_usd else 0 end) as revenue_usd,
        max(case event_type
            {%- for step in bounds.funnel_steps %}
            when '{{ step }}' then {{ loop.index }}
            {%- endfor %}
            else 0
        end) as funnel_step

    from events
    group by user_key, event_date

),

ranked as (

    select
        days.*,
        first_events.country,
        first_events.device,
        first_events.browser_family,
        row_number() over (
            partition by days.user_key
            order by md5(concat('{{ salt }}', '|', days.user_key, '|', cast(days.event_date as {{ veil.text_type() }})))
        ) as day_rank

    from days
    inner join first_events
        on
            days.user_key = first_events.user_key
            and days.event_date = first_events.event_date
            and first_events.event_rank = 1

)

select
    ranked.user_key,
    ranked.event_date,
    ranked.country,
    ranked.device,
    ranked.browser_family,
    cohorts.cohort_month,
    least(ranked.events, {{ bounds.max_events_per_day }}) as events,
    least(ranked.page_views, {{ bounds.max_page_views_per_day }}) as page_views,
    least(ranked.purchases, {{ bounds.max_purchases_per_day }}) as purchases,
    cast(least(ranked.revenue_usd, {{ bounds.max_revenue_per_day }}) as {{ veil.double_type() }}) as revenue_usd,
    ranked.funnel_step

from ranked
left join {{ ref('dim_users') }} as cohorts on ranked.user_key = cohorts.user_key
where ranked.day_rank <= {{ bounds.max_days }}
