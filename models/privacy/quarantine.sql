-- Rows that failed validation, from every source, with the reason. The raw row stays in raw.* and is
-- found by (source_table, record_id); only pseudonymous keys are kept here.
{{ config(meta={'erasure': 'in_place'}) }}
with

users as (

    select
        'users' as source_table,
        cast(user_key as {{ veil.text_type() }}) as record_id,
        user_key,
        quarantine_reason,
        cast(null as date) as event_date

    from {{ ref('stg_app__users') }}
    where quarantine_reason is not null

),

consents as (

    select
        'consents' as source_table,
        cast(consent_id as {{ veil.text_type() }}) as record_id,
        user_key,
        quarantine_reason,
        cast(null as date) as event_date

    from {{ ref('stg_app__consents') }}
    where quarantine_reason is not null

),

events as (

    select
        'events' as source_table,
        cast(event_id as {{ veil.text_type() }}) as record_id,
        user_key,
        quarantine_reason,
        event_date

    from {{ ref('int_events_validated') }}
    where quarantine_reason is not null

),

final as (

    select * from users
    union all
    select * from consents
    union all
    select * from events

)

select * from final
