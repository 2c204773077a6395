{#- A model's or source table's meta: its source's, its own, and its config's, merged in that order (as
    veil.warehouse.project.node_meta does in Python). -#}
{% macro node_meta(node) -%}
    {%- set merged = {} -%}
    {%- do merged.update(node.get('source_meta') or {}) -%}
    {%- do merged.update(node.get('meta') or {}) -%}
    {%- do merged.update((node.get('config') or {}).get('meta') or {}) -%}
    {{ return(merged) }}
{%- endmacro %}
