{#- The columns of `relation` a hierarchy's levels are computed from (generalize reads these alone). -#}
{% macro generalization_columns(hierarchy) -%}
    {%- set columns = {
        'age': ['age'],
        'geography': ['country', 'region', 'city', 'continent'],
        'signup_date': ['signup_date'],
        'gender': ['gender'],
    } -%}
    {%- if hierarchy not in columns -%}
        {{ exceptions.raise_compiler_error("no columns known for hierarchy '" ~ hierarchy ~ "'") }}
    {%- endif -%}
    {{ return(columns[hierarchy]) }}
{%- endmacro %}
