{#- Every equivalence class of the quasi-identifiers is entropy l-diverse in the sensitive column: the
    entropy of its values is at least ln l (stronger than l distinct values: a class of four 'none' and one
    'under 100' has two values but entropy 0.50 < ln 2). Returns the classes below. -#}
{% test entropy_l_diversity(model, quasi_identifiers, sensitive_column, l=none) -%}
{%- set l = l or var('l_diversity') %}
with

values_per_class as (

    select
        {{ quasi_identifiers | join(',\n        ') }},
        {{ sensitive_column }},
        count(*) as n
    from {{ model }}
    group by {{ quasi_identifiers | join(', ') }}, {{ sensitive_column }}

),

classes as (

    select
        {{ quasi_identifiers | join(',\n        ') }},
        ln(sum(n)) - sum(n * ln(n)) / sum(n) as entropy
    from values_per_class
    group by {{ quasi_identifiers | join(', ') }}

)

select * from classes
where entropy < ln({{ l }}) - 1e-9
{%- endtest %}
