-- Bounded input of the DP release of page views by page (<= 256 pages per user, <= 2 views of a page per
-- user; the release uses the discrete Gaussian, L2 sensitivity 2 x sqrt(256)). At 1M users the bounding
-- keeps ~99.5% of the views of popular pages; the error there is the noise.
{%- set page_views %}
(
    select user_key, event_id, page_url from {{ ref('fct_events') }}
    where event_type = 'page_view'
) as page_views
{%- endset %}
{{ veil.dp_bounded_aggregate(page_views, 'page_url', 'event_id', max_groups=256, max_rows_per_group=2) }}
