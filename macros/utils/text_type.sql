{#- The string type of the target (string on Spark, text on PostgreSQL). -#}
{% macro text_type() -%}
    {{ return(dbt.type_string()) }}
{%- endmacro %}

{#- This run's start time as a timestamp literal (same value for every model of one dbt invocation). -#}
{% macro run_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
{%- endmacro %}
