{#- The id of the session's pseudonymization key, computed by the engine as veil.warehouse.keys.key_id does
    (the first 16 hex digits of HMAC-SHA256(key, 'veil key fingerprint v1')): it names the key and reveals
    nothing of it. Tables record it (`veil.key_id`), so one can tell which key made their pseudonyms. -#}
{% macro key_id() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set found = run_query("select substr(lower(hex(hmac(" ~ veil._spark_secret('pseudonym_key')
        ~ ", 'veil key fingerprint v1'))), 1, 16)") -%}
    {{ return(found.columns[0].values()[0]) }}
{%- endmacro %}
