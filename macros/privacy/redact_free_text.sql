{#- Free text with e-mail addresses and phone numbers replaced by <EMAIL> and <PHONE>. -#}
{% macro redact_free_text(expr) -%}
    {%- set email = '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+[.][A-Za-z]{2,}' -%}
    {%- set phone = '[+]?[0-9][0-9 ().-]{6,}[0-9]' -%}
    {{ veil.regex_replace_all(veil.regex_replace_all(expr, email, '<EMAIL>'), phone, '<PHONE>') }}
{%- endmacro %}
