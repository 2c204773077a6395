{#- The 8-byte floating point type's name on the target. -#}
{% macro double_type() -%}
    {{ return(adapter.dispatch('double_type', 'veil')()) }}
{%- endmacro %}

{% macro default__double_type() -%}
    double precision
{%- endmacro %}

{% macro spark__double_type() -%}
    double
{%- endmacro %}
