-- Monthly signup cohorts: share of the cohort active k months after signup.
with

users as (

    select
        user_key,
        cohort_month
    from {{ ref('dim_users') }}

),

activity as (

    select distinct
        user_key,
        cast(date_trunc('month', event_date) as date) as activity_month

    from {{ ref('fct_events') }}

),

cohort_sizes as (

    select
        cohort_month,
        count(*) as cohort_users
    from users
    group by cohort_month

),

cohort_activity as (

    select
        users.cohort_month,
        {{ veil.months_between_months('activity.activity_month', 'users.cohort_month') }} as months_since_signup,
        count(distinct activity.user_key) as active_users

    from activity
    inner join users on activity.user_key = users.user_key
    where activity.activity_month >= users.cohort_month
    group by users.cohort_month, months_since_signup

),

final as (

    select
        cohort_activity.cohort_month,
        cohort_activity.months_since_signup,
        cohort_sizes.cohort_users,
        cohort_activity.active_users,
        {{ veil.ratio('cohort_activity.active_users', 'cohort_sizes.cohort_users') }} as retention_rate

    from cohort_activity
    inner join cohort_sizes on cohort_activity.cohort_month = cohort_sizes.cohort_month

)

select * from final
