{#- A quasi-identifier at one level of its generalization hierarchy (var generalization_hierarchies), as a
    string. Expects the columns age, city, region, country, continent, signup_date and gender. -#}
{% macro generalize(hierarchy, level) -%}
    {%- set levels = var('generalization_hierarchies')[hierarchy] -%}
    {%- set name = levels[level] if level is number else level -%}
    {%- if name == 'any' -%}
        cast('*' as {{ veil.text_type() }})
    {%- elif hierarchy == 'age' and name == 'exact' -%}
        cast(age as {{ veil.text_type() }})
    {%- elif hierarchy == 'age' -%}
        {%- set width = name.split('_')[0] | int -%}
        concat(
            cast(floor(age / {{ width }}) * {{ width }} as {{ veil.text_type() }}), '-',
            cast(floor(age / {{ width }}) * {{ width }} + {{ width - 1 }} as {{ veil.text_type() }}))
    {%- elif hierarchy == 'geography' and name == 'city' -%}
        concat(country, '/', region, '/', city)
    {%- elif hierarchy == 'geography' and name == 'region' -%}
        concat(country, '/', region)
    {%- elif hierarchy == 'geography' -%}
        {{ name }}
    {%- elif hierarchy == 'signup_date' and name == 'day' -%}
        cast(signup_date as {{ veil.text_type() }})
    {%- elif hierarchy == 'signup_date' -%}
        cast(cast(date_trunc('{{ name }}', signup_date) as date) as {{ veil.text_type() }})
    {%- elif hierarchy == 'gender' and name == 'exact' -%}
        gender
    {%- else -%}
        {{ exceptions.raise_compiler_error("no level '" ~ name ~ "' in hierarchy '" ~ hierarchy ~ "'") }}
    {%- endif -%}
{%- endmacro %}
