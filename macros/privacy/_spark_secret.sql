{#- The SQL that reads a secret on Spark at run time, never its value. Session mode: the one-row temporary
    view `veil_secrets` that veil registers on the running session (a SQL conf would be copied into event
    logs as a "modified config", and redacting its name makes Spark substitute "(redacted)" for ${...}).
    Thrift (a target named *thrift*): the session conf the profile sends on the connection. -#}
{% macro _spark_secret(name) -%}
    {%- set confs = {
        'pseudonym_key': 'spark.veil.pseudonym_key',
        'partner_key': 'spark.veil.recipient_key.partner',
        'subject_key': 'spark.veil.subject_key'} -%}
    {#- dbt exposes no target.method: a Thrift target is one whose name says so (spark_thrift) -#}
    {%- if 'thrift' in target.name -%}
        '${ {{- confs[name] -}} }'
    {%- else -%}
        (select {{ name }} from veil_secrets)
    {%- endif -%}
{%- endmacro %}
