-- Users with personal data pseudonymized, masked or generalized as the sources YAML declares.
-- Rows failing validation keep a quarantine_reason and are routed to privacy.quarantine downstream.
with

source as (

    select * from {{ source('app', 'users') }}

),

final as (

    select
        {{ veil.privacy_select('app', 'users') }},
        {{ veil.quarantine_reason('app', 'users') }} as quarantine_reason

    from source

)

select * from final
