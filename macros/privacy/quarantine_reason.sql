{#- A CASE expression naming the first failed `validate` rule of a source row, null when the row is clean.
    Rules are declared per column in the sources YAML; each rule's SQL is in veil._validation_rule. -#}
{% macro quarantine_reason(source_name, table_name) -%}
    {%- if not execute -%}{{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}{%- endif -%}
    {%- set node = veil.source_node(source_name, table_name) -%}
    {%- set checks = [] -%}
    {%- for column in node.columns.values() -%}
        {%- for rule in veil.column_meta(column).get('validate', []) -%}
            {%- do checks.append(veil._validation_rule(rule, column.name)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if not checks -%}{{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}{%- endif -%}
    case
    {%- for failed, reason in checks %}
        when {{ failed }} then '{{ reason }}'
    {%- endfor %}
    end
{%- endmacro %}
