{#- Free text with each span of var('redaction_patterns') replaced by its token, in the declared order
    (e-mail, IP address, card-like number, phone: each pattern would swallow the next). The e-mail pattern is
    the one veil.detection reads too. Names need a dictionary and are found by `veil scan`
    (veil/detection/text.py), not here. -#}
{% macro redact_free_text(expr) -%}
    {%- set out = namespace(sql=expr) -%}
    {%- for entity, pattern in var('redaction_patterns') -%}
        {%- set out.sql = veil.regex_replace_all(out.sql, pattern, '<' ~ entity | upper ~ '>') -%}
    {%- endfor -%}
    {{ out.sql }}
{%- endmacro %}
