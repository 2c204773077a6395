-- Consent decisions with the user pseudonymized; invalid rows carry a quarantine_reason.
-- Subjects in the erasure ledger (by subject reference, stable across key rotations) are removed here, so a
-- reload of old raw data cannot bring them back.
{{ config(meta={'erasure': 'in_place'}) }}
with

source as (

    select * from {{ source('app', 'consents') }} as raw_consents
    where not exists (
        select 1 from {{ source('compliance', 'erasure_ledger') }} as erased
        where erased.subject_ref = {{ veil.subject_ref('raw_consents.user_id') }}
    )

),

final as (

    select
        {{ veil.privacy_select('app', 'consents') }},
        {{ veil.quarantine_reason('app', 'consents') }} as quarantine_reason

    from source

)

select * from final
