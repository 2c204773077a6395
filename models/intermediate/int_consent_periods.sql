-- Consent state per user for every purpose at once, as periods [valid_from, valid_to): at each recorded
-- decision, each purpose keeps its latest decision so far. One period matches any point in time.
{{ config(meta={'erasure': 'in_place'}) }}
{%- set by = 'recorded_at, consent_id' %}
with

consents as (

    select * from {{ ref('int_consent_decisions') }}

),

changes as (

    select
        {%- for purpose in veil.consent_purposes() %}
        case when purpose = '{{ purpose }}' then status = 'granted' end as {{ purpose }}_decision,
        {%- endfor %}
        user_key,
        consent_id,
        recorded_at

    from consents

),

states as (

    select
        {%- for purpose in veil.consent_purposes() %}
        coalesce({{ veil.last_non_null(purpose ~ '_decision', 'user_key', by) }}, false) as has_{{ purpose }}_consent,
        {%- endfor %}
        user_key,
        recorded_at as valid_from,
        lead(recorded_at) over (partition by user_key order by recorded_at, consent_id) as valid_to

    from changes

),

final as (

    select * from states
    -- several decisions at the same instant: the last one holds
    where valid_to is null or valid_to > valid_from

)

select * from final
