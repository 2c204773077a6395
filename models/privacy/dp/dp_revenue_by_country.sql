-- Bounded input of the DP release of revenue by country: each user's purchases clamped to [0, 500] USD,
-- at most 5 purchases counted per user.
{%- set purchases %}
(
    select user_key, event_id, country, revenue_usd from {{ ref('fct_events') }}
    where event_type = 'purchase'
) as purchases
{%- endset %}
{{ veil.dp_bounded_aggregate(purchases, 'country', 'event_id', max_groups=1, max_rows_per_group=5,
                             value='revenue_usd', lower=0, upper=500) }}
