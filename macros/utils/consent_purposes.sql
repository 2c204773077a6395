{#- The purposes users consent to (vars.purposes with legal_basis consent), one column each in the consent
    models. -#}
{% macro consent_purposes() -%}
    {%- set names = [] -%}
    {%- for name, purpose in var('purposes').items() if purpose.legal_basis == 'consent' -%}
        {%- do names.append(name) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}
