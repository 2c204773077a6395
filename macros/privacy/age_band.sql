{#- Date of birth -> age band ('<18', '18-24', '25-34', ... '65+') as of `as_of` (default: today). -#}
{% macro age_band(dob, as_of=none) -%}
    {%- set years = adapter.dispatch('age_years', 'veil')(dob, as_of) -%}
    case
        when {{ dob }} is null then null
        when {{ years }} < 18 then '<18'
        when {{ years }} < 25 then '18-24'
        when {{ years }} < 35 then '25-34'
        when {{ years }} < 45 then '35-44'
        when {{ years }} < 55 then '45-54'
        when {{ years }} < 65 then '55-64'
        else '65+'
    end
{%- endmacro %}

{#- Whole years of age as an integer. -#}
{% macro age_years(dob, as_of=none) -%}
    cast({{ adapter.dispatch('age_years', 'veil')(dob, as_of) }} as int)
{%- endmacro %}

{% macro default__age_years(dob, as_of=none) -%}
    date_part('year', age({{ as_of or 'current_date' }}, {{ dob }}))
{%- endmacro %}

{% macro spark__age_years(dob, as_of=none) -%}
    floor(months_between({{ as_of or 'current_date()' }}, {{ dob }}) / 12)
{%- endmacro %}
