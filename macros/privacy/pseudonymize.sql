{#- Keyed, deterministic pseudonym: hex HMAC-SHA256 of the value's text. The key is read by the engine at
    run time (Spark conf / PostgreSQL setting), so it never appears in compiled SQL. Identical on Spark,
    PostgreSQL and Python's hmac for the same key and value. -#}
{% macro pseudonymize(expr) -%}
    {{ return(adapter.dispatch('pseudonymize', 'veil')(expr)) }}
{%- endmacro %}

{% macro default__pseudonymize(expr) -%}
    encode(hmac(cast({{ expr }} as text), current_setting('veil.pseudonym_key'), 'sha256'), 'hex')
{%- endmacro %}

{% macro spark__pseudonymize(expr) -%}
    {%- if execute and model.resource_type == 'model' and config.get('materialized') == 'view' -%}
        {{ exceptions.raise_compiler_error(
            "pseudonymize() in a view: Spark would store the substituted key in the view text. "
            ~ "Materialize " ~ model.name ~ " as a table.") }}
    {%- endif -%}
    lower(hex(hmac({{ veil._spark_secret('pseudonym_key') }}, cast({{ expr }} as string))))
{%- endmacro %}
