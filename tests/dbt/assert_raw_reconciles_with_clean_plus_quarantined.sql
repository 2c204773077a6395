-- Nothing is lost: for every raw table, raw rows = clean + quarantined + erased (erasure ledger) rows. Events
-- arrive from the raw files and, where the stream runs, from stream.events (staged on arrival, erased in place).
-- depends_on: {{ source('stream', 'events') }}
{%- set streamed = veil.landed_relation('stream', 'events') %}
{%- set checks = [
    ('users', ref('stg_app__users')),
    ('consents', ref('stg_app__consents')),
    ('events', ref('int_events_validated')),
] %}

with

counts as (

    {%- for source_table, validated in checks %}
    select
        '{{ source_table }}' as source_table,
        (select count(*) from {{ source('app', source_table) }})
        {%- if source_table == 'events' and streamed %}
        + (select count(*) from {{ source('stream', 'events') }})
        {%- endif %} as raw_rows,
        (
            select count(*) from {{ validated }}
            where quarantine_reason is null
        ) as clean_rows,
        (
            select count(*) from {{ ref('quarantine') }}
            where source_table = '{{ source_table }}'
        ) as quarantined_rows,
        (
            select count(*) from {{ source('app', source_table) }}
            where {{ veil.subject_ref('user_id') }} in (
                select erased.subject_ref from {{ source('compliance', 'erasure_ledger') }} as erased
            )
        ) as erased_rows
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

)

select * from counts
where raw_rows != clean_rows + quarantined_rows + erased_rows
