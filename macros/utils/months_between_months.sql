{#- Whole calendar months from earlier to later (dates or timestamps), the same on every engine: the
    difference of year * 12 + month. -#}
{% macro months_between_months(later, earlier) -%}
    cast(
        (extract(year from {{ later }}) - extract(year from {{ earlier }})) * 12
        + extract(month from {{ later }}) - extract(month from {{ earlier }})
        as int
    )
{%- endmacro %}
