-- Bounded input of the DP release of funnel step counts: users reaching each step (<= 3 steps per user).
{%- set steps %}
(
    select user_key, event_id, event_type from {{ ref('fct_events') }}
    where event_type in ('page_view', 'add_to_cart', 'purchase')
) as steps
{%- endset %}
{{ veil.dp_bounded_aggregate(steps, 'event_type', 'event_id', max_groups=3) }}
