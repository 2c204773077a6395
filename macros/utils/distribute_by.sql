{#- Spark: `distribute by <columns>`, one writer per partition value (few files, each written once), at the
    end of a model partitioned by those columns. Other engines have nothing to distribute: empty. -#}
{% macro distribute_by(columns) -%}
    {{ return(adapter.dispatch('distribute_by', 'veil')(columns)) }}
{%- endmacro %}

{% macro default__distribute_by(columns) -%}
{%- endmacro %}

{% macro spark__distribute_by(columns) -%}
    distribute by {{ columns }}
{%- endmacro %}
