-- Bounded input of the DP release of page views by page (<= 64 pages per user, <= 3 views per page; the
-- release uses the discrete Gaussian, L2 sensitivity 3 x sqrt(64)).
{%- set page_views %}
(
    select user_key, event_id, page_url from {{ ref('fct_events') }}
    where event_type = 'page_view'
) as page_views
{%- endset %}
{{ veil.dp_bounded_aggregate(page_views, 'page_url', 'event_id', max_groups=64, max_rows_per_group=3) }}
