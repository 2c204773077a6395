-- Every valid consent decision, whichever way it arrived: the application's consent history (clean rows)
-- and decisions recorded with `veil consent`.
{{ config(meta={'erasure': 'in_place'}) }}
with

app_consents as (

    select * from {{ ref('stg_app__consents') }}
    where quarantine_reason is null

),

recorded_changes as (

    select * from {{ ref('stg_compliance__consent_changes') }}

),

final as (

    select
        consent_id,
        user_key,
        purpose,
        status,
        source,
        'app' as recorded_via,
        recorded_at

    from app_consents

    union all

    select
        consent_id,
        user_key,
        purpose,
        status,
        source,
        'veil_consent' as recorded_via,
        recorded_at

    from recorded_changes

)

select * from final
