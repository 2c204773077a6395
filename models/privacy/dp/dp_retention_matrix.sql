-- Bounded input of the DP retention matrix: users active per (signup cohort, months since signup),
-- <= 12 cells per user.
{%- set activity %}
(
    select
        e.user_key,
        e.event_id,
        concat(
            cast(u.cohort_month as {{ veil.text_type() }}), '|',
            cast({{ veil.months_between_months('e.event_date', 'u.cohort_month') }} as {{ veil.text_type() }})
        ) as retention_cell
    from {{ ref('fct_events') }} as e
    inner join {{ ref('dim_users') }} as u on e.user_key = u.user_key
) as activity
{%- endset %}
{{ veil.dp_bounded_aggregate(activity, 'retention_cell', 'event_id', max_groups=12) }}
