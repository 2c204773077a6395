-- Bounded input of the DP release of revenue by country: each purchase clamped to [0, 2000] USD, at most 50
-- purchases per user (together they keep ~98% of revenue at 1M users; the noise scale is 100,000 USD).
{%- set purchases %}
(
    select user_key, event_id, country, revenue_usd from {{ ref('fct_events') }}
    where event_type = 'purchase'
) as purchases
{%- endset %}
{{ veil.dp_bounded_aggregate(purchases, 'country', 'event_id', max_groups=1, max_rows_per_group=50,
                             value='revenue_usd', lower=0, upper=2000) }}
