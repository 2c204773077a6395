{#- One `select` of literals per column of every source and model in the graph, unioned. -#}
{% macro pii_inventory_rows() -%}
    {%- set rows = [] -%}
    {%- if execute -%}
        {%- for node in (graph.sources.values() | list) + (graph.nodes.values() | list) -%}
            {%- if node.resource_type in ('source', 'model') and node.package_name == project_name -%}
                {%- for column in node.columns.values() -%}
                    {%- set meta = veil.column_meta(column) -%}
                    {%- do rows.append([node.resource_type, node.name, node.schema, column.name,
                        meta.get('privacy', 'unclassified'), meta.get('pii', ''), meta.get('transform', '')]) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if not rows -%}
        {%- do rows.append(['none', 'none', 'none', 'none', 'unclassified', '', '']) -%}
    {%- endif -%}
    {{ veil.literal_rows(rows, ['resource_type', 'resource_name', 'schema_name', 'column_name', 'privacy_class',
                                'pii_entity', 'transform']) }}
{%- endmacro %}
