{#- The relation schema.identifier when it exists in the warehouse (at execution, on Spark), else none: for a
    source that only some installations have, such as the event stream's landing table. -#}
{% macro landed_relation(schema, identifier) -%}
    {%- if not execute or target.type != 'spark' -%}{{ return(none) }}{%- endif -%}
    {{ return(adapter.get_relation(database=none, schema=schema, identifier=identifier)) }}
{%- endmacro %}
