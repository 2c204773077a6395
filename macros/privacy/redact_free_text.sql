{#- Free text with e-mail addresses, IP addresses, card-like numbers and phone numbers replaced by
    <EMAIL>, <IP_ADDRESS>, <CREDIT_CARD> and <PHONE> (in that order: each pattern would swallow the next).
    Names need a dictionary and are found by `veil scan` (veil/text_pii.py), not here. -#}
{% macro redact_free_text(expr) -%}
    {%- set email = '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+[.][A-Za-z]{2,}' -%}
    {%- set ip = '[0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}' -%}
    {%- set card = '[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{1,4}' -%}
    {%- set phone = '[+]?[0-9][0-9 ().-]{6,}[0-9]' -%}
    {%- set out = veil.regex_replace_all(expr, email, '<EMAIL>') -%}
    {%- set out = veil.regex_replace_all(out, ip, '<IP_ADDRESS>') -%}
    {%- set out = veil.regex_replace_all(out, card, '<CREDIT_CARD>') -%}
    {{ veil.regex_replace_all(out, phone, '<PHONE>') }}
{%- endmacro %}
