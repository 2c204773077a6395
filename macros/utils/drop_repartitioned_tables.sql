{#- on-run-start: on Spark, the table of an incremental model this invocation runs whose partition columns are
    not the ones its config declares (a warehouse built before `partition_by` changed, e.g. fct_events from
    event_date to event_month) is dropped, so the model builds it again in full from its sources instead of
    failing in its first insert_overwrite. Other engines have no such layout: nothing to do. -#}
{% macro drop_repartitioned_tables() -%}
    {{ return(adapter.dispatch('drop_repartitioned_tables', 'veil')()) }}
{%- endmacro %}

{% macro default__drop_repartitioned_tables() -%}
    select 1
{%- endmacro %}

{% macro spark__drop_repartitioned_tables() -%}
    {%- if execute -%}
    {%- for node in graph.nodes.values() -%}
        {%- set wanted = node.config.get('partition_by') -%}
        {%- if node.resource_type == 'model' and node.unique_id in selected_resources
            and node.config.materialized == 'incremental' and wanted -%}
            {%- set wanted = [wanted] if wanted is string else wanted | list -%}
            {%- set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- if relation is not none -%}
                {#- `describe table` lists the partition columns after "# Partition Information" and "# col_name" -#}
                {%- set found = namespace(section=false, columns=[]) -%}
                {%- for row in run_query('describe table ' ~ relation).rows -%}
                    {%- if found.section and row[0] and not row[0].startswith('#') -%}
                        {%- do found.columns.append(row[0]) -%}
                    {%- elif row[0] and row[0].startswith('#') -%}
                        {%- set found.section = row[0] in ('# Partition Information', '# col_name') -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- if found.columns != wanted -%}
                    {%- do log("drop_repartitioned_tables: " ~ relation ~ " is partitioned by " ~ found.columns
                               ~ ", its model by " ~ wanted ~ ": dropped, to be built again in full", info=true) -%}
                    {%- do adapter.drop_relation(relation) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
