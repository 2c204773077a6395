-- SCD2 history of the pseudonymized user dimension: valid_from / valid_to from the change log.
{{ config(materialized='view', schema='history') }}

with

log as (

    select * from {{ ref('users_history_log') }}

),

final as (

    select
        user_key,
        tier,
        account_status,
        row_hash,
        recorded_at as valid_from,
        lead(recorded_at) over (partition by user_key order by recorded_at) as valid_to,
        lead(recorded_at) over (partition by user_key order by recorded_at) is null as is_current

    from log

)

select * from final
