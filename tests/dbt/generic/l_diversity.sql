{#- Every equivalence class of the quasi-identifiers holds at least l distinct values of the sensitive
    column. Returns the classes with fewer. -#}
{% test l_diversity(model, quasi_identifiers, sensitive_column, l=none) -%}
{%- set l = l or var('l_diversity') %}
select
    {{ quasi_identifiers | join(',\n    ') }},
    count(distinct {{ sensitive_column }}) as distinct_sensitive_values
from {{ model }}
group by {{ quasi_identifiers | join(', ') }}
having count(distinct {{ sensitive_column }}) < {{ l }}
{%- endtest %}
