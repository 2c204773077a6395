-- Events with the user pseudonymized, IPs truncated, typed free text redacted and URLs stripped of
-- query strings, as the sources YAML declares. Row-level validation here; cross-row checks (unknown user,
-- duplicate event_id) happen in int_events_validated.
{{ config(meta={'erasure': 'in_place'}) }}

-- Subjects in the erasure ledger (by subject reference, stable across key rotations) are removed here, so a
-- reload of old raw data cannot bring them back.
with

source as (

    select * from {{ source('app', 'events') }} as raw_events
    where not exists (
        select 1 from {{ source('compliance', 'erasure_ledger') }} as erased
        where erased.subject_ref = {{ veil.subject_ref('raw_events.user_id') }}
    )

),

final as (

    select
        {{ veil.privacy_select('app', 'events') }},
        {{ veil.quarantine_reason('app', 'events') }} as quarantine_reason

    from source

)

select * from final
