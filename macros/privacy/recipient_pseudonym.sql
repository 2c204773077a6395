{#- A recipient's own pseudonym of a user_key: hex HMAC-SHA256 under that recipient's key, read by the engine
    at run time (Spark: veil._spark_secret; PostgreSQL: setting veil.recipient_key_<recipient>), so neither
    the key nor a way to link the recipient's rows to our user_key is in SQL: whoever holds the marts cannot
    compute it. -#}
{% macro recipient_pseudonym(recipient, expr) -%}
    {{ return(adapter.dispatch('recipient_pseudonym', 'veil')(recipient, expr)) }}
{%- endmacro %}

{% macro default__recipient_pseudonym(recipient, expr) -%}
    encode(hmac(cast({{ expr }} as text), current_setting('veil.recipient_key_{{ recipient }}'), 'sha256'), 'hex')
{%- endmacro %}

{% macro spark__recipient_pseudonym(recipient, expr) -%}
    lower(hex(hmac({{ veil._spark_secret(recipient ~ '_key') }}, cast({{ expr }} as string))))
{%- endmacro %}
