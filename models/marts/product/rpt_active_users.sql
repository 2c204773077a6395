-- Daily, weekly and monthly active users (distinct pseudonymous users with an event) by country.
with

events as (

    select
        user_key,
        country,
        event_date
    from {{ ref('fct_events') }}

),

periods as (

    {%- for grain in ['day', 'week', 'month'] %}
    select
        '{{ grain }}' as period_grain,
        cast(date_trunc('{{ grain }}', event_date) as date) as period_start,
        country,
        count(distinct user_key) as active_users

    from events
    group by 2, 3
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

final as (

    select * from periods

)

select * from final
