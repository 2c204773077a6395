{#- The string type of the target (string on Spark, text on PostgreSQL). -#}
{% macro text_type() -%}
    {{ return(dbt.type_string()) }}
{%- endmacro %}
