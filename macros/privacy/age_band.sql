{#- Date of birth -> age band ('<18', '18-24', '25-34', ... '65+') as of `as_of` (default: the run's
    reference date, var as_of or today). -#}
{% macro age_band(dob, as_of=none) -%}
    {%- set years = veil.age_years(dob, as_of) -%}
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
