{#- Rows of Jinja values as SQL: one `select` of literals per row, unioned. Strings become string literals of
    the target; booleans and numbers are written as they are. `columns` names each position. -#}
{% macro literal_rows(rows, columns) -%}
    {%- for row in rows %}
    select
        {%- for value in row %}
        {{ value if value is boolean or value is number else veil.sql_string(value) }} as {{ columns[loop.index0] }}
        {{- "," if not loop.last }}
        {%- endfor %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
