{#- GDPR Art. 30 records of processing, from the YAML: one `select` of literals per source table and per
    model that declares a purpose, with the legal basis (vars.purposes), the personal-data categories of
    its columns, recipients and retention. -#}
{% macro records_of_processing_rows() -%}
    {%- set rows = [] -%}
    {%- if execute -%}
        {%- set declared = var('purposes') -%}
        {%- for node in (graph.sources.values() | list) + (graph.nodes.values() | list) -%}
            {%- set meta = veil.node_meta(node) -%}
            {%- if node.resource_type in ('source', 'model') and node.package_name == project_name
                  and meta.get('purpose') in declared -%}
                {%- set categories = [] -%}
                {%- for column in node.columns.values() -%}
                    {%- set entity = veil.column_meta(column).get('pii') -%}
                    {%- if entity and entity not in categories -%}{%- do categories.append(entity) -%}{%- endif -%}
                {%- endfor -%}
                {%- set retention = meta.get('retention') or (
                    (meta.get('retention_days') ~ ' days') if meta.get('retention_days') else 'not declared') -%}
                {%- set purpose = declared[meta.purpose] -%}
                {%- do rows.append([node.resource_type, node.schema ~ '.' ~ (node.get('alias') or node.name),
                    meta.purpose, purpose.legal_basis, purpose.description | trim,
                    categories | sort | join(', '), (meta.get('recipients') or ['internal analysts']) | join(', '),
                    retention, meta.get('shared_with_third_parties', false)]) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if not rows -%}
        {%- do rows.append(['none', 'none', 'none', 'none', '', '', '', '', false]) -%}
    {%- endif -%}
    {{ veil.literal_rows(rows | sort(attribute=1), ['resource_type', 'relation_name', 'purpose', 'legal_basis',
                                                   'purpose_description', 'personal_data_categories', 'recipients',
                                                   'retention', 'is_shared_with_third_parties']) }}
{%- endmacro %}
