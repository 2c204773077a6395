{#- The reference "now": var as_of (an ISO timestamp) for reproducible runs, else the clock. -#}
{% macro as_of_timestamp() -%}
    {%- if var('as_of') -%}cast('{{ var("as_of") }}' as timestamp){%- else -%}current_timestamp{%- endif -%}
{%- endmacro %}
