{#- Every combination of the quasi-identifiers is shared by at least k rows. Returns the smaller classes. -#}
{% test k_anonymity(model, quasi_identifiers, k=none) -%}
{%- set k = k or var('k_anonymity') %}
select
    {{ quasi_identifiers | join(',\n    ') }},
    count(*) as class_size
from {{ model }}
group by {{ quasi_identifiers | join(', ') }}
having count(*) < {{ k }}
{%- endtest %}
