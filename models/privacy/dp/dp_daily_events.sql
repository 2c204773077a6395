-- Bounded input of the DP release of events per day: each user counts in <= 100 days with <= 50 events a day
-- (discrete Gaussian: its noise grows with sqrt(100) x 50).
{{ veil.dp_bounded_aggregate(
    ref('fct_events'), "cast(event_date as " ~ veil.text_type() ~ ")", 'event_id', max_groups=100,
    max_rows_per_group=50) }}
