-- Contribution-bounded page views for the API's on-demand DP queries by page: only the days kept in
-- dp_query_user_days, at most dp_query.max_pages_per_day pages per user and day (salted hash rank), views per
-- page clamped to dp_query.max_views_per_page. Attributes come from the day's row.
{{ config(meta={'erasure': 'in_place'}) }}
{%- set bounds = var('dp_query') %}
{%- set salt = var('dp_salt', invocation_id) %}
with

views as (

    select
        events.user_key,
        events.event_date,
        events.page_url,
        count(*) as page_views

    from {{ ref('fct_events') }} as events
    where events.event_type = 'page_view' and events.user_key is not null
    group by events.user_key, events.event_date, events.page_url

),

ranked as (

    select
        views.*,
        row_number() over (
            partition by views.user_key, views.event_date
            order by md5(concat('{{ salt }}', '|', views.user_key, '|', views.page_url))
        ) as page_rank

    from views

)

select
    kept_days.user_key,
    kept_days.event_date,
    ranked.page_url,
    kept_days.country,
    kept_days.device,
    kept_days.browser_family,
    kept_days.cohort_month,
    least(ranked.page_views, {{ bounds.max_views_per_page }}) as page_views

from ranked
inner join {{ ref('dp_query_user_days') }} as kept_days
    on ranked.user_key = kept_days.user_key and ranked.event_date = kept_days.event_date
where ranked.page_rank <= {{ bounds.max_pages_per_day }}
