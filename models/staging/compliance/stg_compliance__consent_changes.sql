-- Consent decisions recorded with `veil consent` (preference centre, support desk, CCPA opt-out requests).
-- Already pseudonymous and validated when written; subjects in the erasure ledger are removed here too.
{{ config(meta={'erasure': 'in_place'}) }}
with

source as (

    select * from {{ source('compliance', 'consent_changes') }} as recorded
    where not exists (
        select 1 from {{ source('compliance', 'erasure_ledger') }} as erased
        where erased.subject_ref = recorded.subject_ref
    )

),

final as (

    select
        consent_id,
        user_key,
        purpose,
        status,
        source,
        recorded_at

    from source

)

select * from final
