{#- A CASE expression naming the first failed `validate` rule of a source row, null when the row is clean.
    Rules are declared per column in the sources YAML. -#}
{% macro quarantine_reason(source_name, table_name) -%}
    {%- if not execute -%}{{ return('cast(null as string)') }}{%- endif -%}
    {%- set node = veil.source_node(source_name, table_name) -%}
    {%- set checks = [] -%}
    {%- for column in node.columns.values() -%}
        {%- for rule in veil.column_meta(column).get('validate', []) -%}
            {%- do checks.append(veil.validation_rule(rule, column.name)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if not checks -%}{{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}{%- endif -%}
    case
    {%- for failed, reason in checks %}
        when {{ failed }} then '{{ reason }}'
    {%- endfor %}
    end
{%- endmacro %}

{#- (condition that means the rule failed, reason) -#}
{% macro validation_rule(rule, column) -%}
    {%- if rule == 'not_null' -%}
        {{ return((column ~ ' is null', 'null_' ~ column)) }}
    {%- elif rule == 'email' -%}
        {{ return(('not ' ~ veil.regex_matches(column, '^[^@ ]+@[^@ ]+[.][^@ .]+$'), 'malformed_' ~ column)) }}
    {%- elif rule == 'phone' -%}
        {{ return(('not ' ~ veil.regex_matches(column, '^[+]?[0-9][0-9 ().-]{5,}[0-9]$'), 'malformed_' ~ column)) }}
    {%- elif rule == 'event_type' -%}
        {{ return((column ~ " is null or " ~ column ~ " not in ('" ~ veil.event_types() | join("', '") ~ "')",
                   'unknown_' ~ column)) }}
    {%- elif rule == 'not_future' -%}
        {{ return((column ~ ' > ' ~ veil.as_of_timestamp(), 'future_' ~ column)) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("unknown validate rule '" ~ rule ~ "' on column " ~ column) }}
    {%- endif -%}
{%- endmacro %}

{% macro event_types() -%}
    {{ return(['page_view', 'click', 'search', 'add_to_cart', 'remove_from_cart', 'purchase', 'video_play',
               'video_complete', 'login', 'signup']) }}
{%- endmacro %}

{#- The reference "now": var as_of (an ISO timestamp) for reproducible runs, else the clock. -#}
{% macro as_of_timestamp() -%}
    {%- if var('as_of') -%}cast('{{ var("as_of") }}' as timestamp){%- else -%}current_timestamp{%- endif -%}
{%- endmacro %}
