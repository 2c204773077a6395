-- Bounded input of the DP release of daily active users (the dashboard's trend): each user counts in <= 100
-- days (discrete Gaussian: noise grows with sqrt(100)).
{{ veil.dp_bounded_aggregate(
    ref('fct_events'), "cast(event_date as " ~ veil.text_type() ~ ")", 'event_id', max_groups=100) }}
