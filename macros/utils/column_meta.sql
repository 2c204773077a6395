{#- A column's classification: `config.meta` (dbt >= 1.10) merged over the legacy top-level `meta` (as
    veil.warehouse.project.column_meta does in Python). -#}
{% macro column_meta(column) -%}
    {%- set merged = {} -%}
    {%- do merged.update(column.get('meta') or {}) -%}
    {%- do merged.update((column.get('config') or {}).get('meta') or {}) -%}
    {{ return(merged) }}
{%- endmacro %}
