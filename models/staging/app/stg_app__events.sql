-- Events with the user pseudonymized, IPs truncated, typed free text redacted and URLs stripped of
-- query strings, as the sources YAML declares. Row-level validation here; cross-row checks (unknown user,
-- duplicate event_id) happen in int_events_validated.

-- Subjects in the erasure ledger are removed here, so a reload of old raw data cannot bring them back.
with

source as (

    select * from {{ source('app', 'events') }}

),

final as (

    select
        {{ veil.privacy_select('app', 'events') }},
        {{ veil.quarantine_reason('app', 'events') }} as quarantine_reason

    from source

)

select * from final
where not exists (
    select 1 from {{ source('compliance', 'erasure_ledger') }} as erased
    where erased.user_key = final.user_key
)
