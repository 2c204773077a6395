-- Bounded input of the DP release of daily active users by country (each user counts in <= 100 days; the
-- release uses the discrete Gaussian, whose noise grows with sqrt(100), not 100).
{{ veil.dp_bounded_aggregate(
    ref('fct_events'), "concat(cast(event_date as " ~ veil.text_type() ~ "), '|', country)", 'event_id', max_groups=100) }}
