-- Bounded input of the DP release of daily active users by country (each user counts in <= 20 days).
{{ veil.dp_bounded_aggregate(
    ref('fct_events'), "concat(cast(event_date as string), '|', country)", 'event_id', max_groups=20) }}
