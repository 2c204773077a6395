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
    {%- for row in rows %}
    select
        {{ veil.sql_string(row[0]) }} as resource_type,
        {{ veil.sql_string(row[1]) }} as resource_name,
        {{ veil.sql_string(row[2]) }} as schema_name,
        {{ veil.sql_string(row[3]) }} as column_name,
        {{ veil.sql_string(row[4]) }} as privacy_class,
        {{ veil.sql_string(row[5]) }} as pii_entity,
        {{ veil.sql_string(row[6]) }} as transform
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
