-- Consent decisions with the user pseudonymized; invalid rows carry a quarantine_reason.
with

source as (

    select * from {{ source('app', 'consents') }}

),

final as (

    select
        {{ veil.privacy_select('app', 'consents') }},
        {{ veil.quarantine_reason('app', 'consents') }} as quarantine_reason

    from source

)

select * from final
