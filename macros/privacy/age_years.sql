{#- Whole years of age (an integer) at `as_of` (default: today) of a date of birth. -#}
{% macro age_years(dob, as_of=none) -%}
    cast({{ adapter.dispatch('age_years', 'veil')(dob, as_of) }} as int)
{%- endmacro %}

{% macro default__age_years(dob, as_of=none) -%}
    date_part('year', age({{ as_of or 'current_date' }}, {{ dob }}))
{%- endmacro %}

{% macro spark__age_years(dob, as_of=none) -%}
    floor(months_between({{ as_of or 'current_date()' }}, {{ dob }}) / 12)
{%- endmacro %}
