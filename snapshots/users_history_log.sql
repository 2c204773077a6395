-- Change log of the pseudonymized user dimension (tier, account_status): a row is appended whenever a
-- user's tracked attributes hash differently from their latest logged row. dbt's snapshot materialization
-- needs MERGE, which plain Parquet on Spark lacks; `dbt build` maintains this append-only log instead. The hash
-- leaves out the pseudonym (rows are compared per user_key), so `veil keys rotate` can re-key the log as it is.
{{ config(materialized='incremental', incremental_strategy='append', schema='history', file_format='parquet',
    meta={'erasure': 'in_place'}) }}

with

users as (

    select
        user_key,
        tier,
        account_status,
        md5(concat_ws('|', tier, account_status)) as row_hash

    from {{ ref('dim_users') }}

),

{% if is_incremental() %}
logged as (

    select
        user_key,
        row_hash
    from (
        select
            user_key,
            row_hash,
            row_number() over (partition by user_key order by recorded_at desc) as recency
        from {{ this }}
    ) as ranked
    where recency = 1

),
{% endif %}

final as (

    select
        users.user_key,
        users.tier,
        users.account_status,
        users.row_hash,
        {{ veil.run_timestamp() }} as recorded_at

    from users
    {% if is_incremental() %}
    left join logged on users.user_key = logged.user_key
    where logged.row_hash is null or logged.row_hash != users.row_hash
    {% endif %}

)

select * from final
