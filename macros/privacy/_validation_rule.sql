{#- (condition that means the rule failed, reason) for one `validate` rule of a column. The e-mail and phone
    shapes are vars.validation_patterns; the event types are vars.event_types. -#}
{% macro _validation_rule(rule, column) -%}
    {%- set patterns = var('validation_patterns') -%}
    {%- if rule == 'not_null' -%}
        {{ return((column ~ ' is null', 'null_' ~ column)) }}
    {%- elif rule in ('email', 'phone') -%}
        {{ return(('not ' ~ veil.regex_matches(column, patterns[rule]), 'malformed_' ~ column)) }}
    {%- elif rule == 'event_type' -%}
        {{ return((column ~ " is null or " ~ column ~ " not in ('" ~ var('event_types') | join("', '") ~ "')",
                   'unknown_' ~ column)) }}
    {%- elif rule == 'not_future' -%}
        {{ return((column ~ ' > ' ~ veil.as_of_timestamp(), 'future_' ~ column)) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("unknown validate rule '" ~ rule ~ "' on column " ~ column) }}
    {%- endif -%}
{%- endmacro %}
