-- Bounded input of the DP release of page views by page (<= 10 pages per user, <= 3 views per page).
{{ veil.dp_bounded_aggregate(
    ref('fct_events'), 'page_url', 'event_id', max_groups=10, max_rows_per_group=3,
    value="case when event_type = 'page_view' then 1 else 0 end", lower=0, upper=1) }}
