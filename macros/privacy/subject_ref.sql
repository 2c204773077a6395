{#- A subject reference: hex HMAC-SHA256 of the user_id under the subject key, which compliance records
    (the erasure ledger) use instead of the pseudonym. That key never rotates with the pseudonymization key,
    so the ledger keeps matching a person after `veil keys rotate`; it appears in no analytics table. Read by
    the engine at run time, as veil.pseudonymize's key. -#}
{% macro subject_ref(expr) -%}
    {{ return(adapter.dispatch('subject_ref', 'veil')(expr)) }}
{%- endmacro %}

{% macro default__subject_ref(expr) -%}
    encode(hmac(cast({{ expr }} as text), current_setting('veil.subject_key'), 'sha256'), 'hex')
{%- endmacro %}

{% macro spark__subject_ref(expr) -%}
    lower(hex(hmac({{ veil._spark_secret('subject_key') }}, cast({{ expr }} as string))))
{%- endmacro %}
