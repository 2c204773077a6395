-- Users with personal data pseudonymized, masked or generalized as the sources YAML declares.
-- Rows failing validation keep a quarantine_reason and are routed to privacy.quarantine downstream.
-- Subjects in the erasure ledger (by subject reference, stable across key rotations) are removed here, so a
-- reload of old raw data cannot bring them back.
{{ config(meta={'erasure': 'in_place'}) }}
with

source as (

    select * from {{ source('app', 'users') }} as raw_users
    where not exists (
        select 1 from {{ source('compliance', 'erasure_ledger') }} as erased
        where erased.subject_ref = {{ veil.subject_ref('raw_users.user_id') }}
    )

),

final as (

    select
        {{ veil.privacy_select('app', 'users') }},
        {{ veil.quarantine_reason('app', 'users') }} as quarantine_reason

    from source

)

select * from final
