{#- A column's classification: `config.meta` (dbt >= 1.10) merged over the legacy top-level `meta`. -#}
{% macro column_meta(column) -%}
    {%- set merged = {} -%}
    {%- do merged.update(column.get('meta') or {}) -%}
    {%- do merged.update((column.get('config') or {}).get('meta') or {}) -%}
    {{ return(merged) }}
{%- endmacro %}

{#- The graph node of source(source_name, table_name). -#}
{% macro source_node(source_name, table_name) -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == source_name and node.name == table_name -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("no source " ~ source_name ~ "." ~ table_name ~ " in the project") }}
{%- endmacro %}
