{#- Rows of Jinja values as SQL: one inline table (`values`), read by a select naming each column. Strings
    become string literals of the target; booleans and numbers are written as they are. `columns` names each
    position. (One inline table plans in a fraction of the time a union of hundreds of selects takes.) -#}
{% macro literal_rows(rows, columns) -%}
    select * from (
        values
        {%- for row in rows %}
        (
            {%- for value in row -%}
            {{ value if value is boolean or value is number else veil.sql_string(value) }}{{ ", " if not loop.last }}
            {%- endfor -%}
        ){{ "," if not loop.last }}
        {%- endfor %}
    ) as literal_rows ({{ columns | join(', ') }})
{%- endmacro %}
