{#- A mart's row filter for the purpose its YAML declares (config.meta.purpose): only events whose consent
    for that purpose was valid at the event's time. -#}
{% macro consent_filter(purpose=none) -%}
    {%- if not execute -%}{{ return('true') }}{%- endif -%}
    {%- set purpose = purpose or (model.config.get('meta') or {}).get('purpose') -%}
    {%- if purpose not in veil.consent_purposes() -%}
        {{ exceptions.raise_compiler_error(model.name ~ " must declare config.meta.purpose, one of "
                                           ~ veil.consent_purposes() | join(', ')) }}
    {%- endif -%}
    has_{{ purpose }}_consent
{%- endmacro %}
