{#- Whole years of age (an integer) at `as_of` (default: the run's reference date, var as_of or today) of a
    date of birth. -#}
{% macro age_years(dob, as_of=none) -%}
    {%- set as_of = as_of or 'cast(' ~ veil.as_of_timestamp() ~ ' as date)' -%}
    cast({{ adapter.dispatch('age_years', 'veil')(dob, as_of) }} as int)
{%- endmacro %}

{% macro default__age_years(dob, as_of=none) -%}
    date_part('year', age({{ as_of }}, {{ dob }}))
{%- endmacro %}

{% macro spark__age_years(dob, as_of=none) -%}
    floor(months_between({{ as_of }}, {{ dob }}) / 12)
{%- endmacro %}
