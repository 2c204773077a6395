-- Events with the user pseudonymized, IPs truncated, typed free text redacted and URLs stripped of
-- query strings, as the sources YAML declares. Row-level validation here; cross-row checks (unknown user,
-- duplicate event_id) happen in int_events_validated.
--
-- The same SQL anonymizes the event stream on arrival: `veil stream ingest` compiles this model with var
-- veil_stream_batch naming a micro-batch of parsed messages, and lands its output in stream.events, which
-- this model then adds to the raw events (the stream's rows are staged once, when they arrive).
-- depends_on: {{ source('stream', 'events') }}
{{ config(meta={'erasure': 'in_place'}) }}
{%- set stream_batch = var('veil_stream_batch', none) %}
{%- set streamed = none if stream_batch else veil.landed_relation('stream', 'events') %}

-- Subjects in the erasure ledger (by subject reference, stable across key rotations) are removed here, so a
-- reload of old raw data cannot bring them back.
with

source as (

    select * from {{ stream_batch or source('app', 'events') }} as raw_events
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

{%- if not streamed %}

select * from final
{%- else %}
{%- set columns = adapter.get_columns_in_relation(streamed) | map(attribute='name') | join(', ') %}

select {{ columns }} from final
union all
select {{ columns }} from {{ source('stream', 'events') }}
{%- endif %}
