{#- A column's classification: `config.meta` (dbt >= 1.10) merged over the legacy top-level `meta`. -#}
{% macro column_meta(column) -%}
    {%- set merged = {} -%}
    {%- do merged.update(column.get('meta') or {}) -%}
    {%- do merged.update((column.get('config') or {}).get('meta') or {}) -%}
    {{ return(merged) }}
{%- endmacro %}

{#- A model's or source table's meta: its source's, its own, and its config's, merged in that order (as
    veil.manifest.node_meta does in Python). -#}
{% macro node_meta(node) -%}
    {%- set merged = {} -%}
    {%- do merged.update(node.get('source_meta') or {}) -%}
    {%- do merged.update(node.get('meta') or {}) -%}
    {%- do merged.update((node.get('config') or {}).get('meta') or {}) -%}
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
