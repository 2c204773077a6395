-- choose_generalization on a hand-made table (seeds/macro_cases/generalization_lattice_case.csv): four users
-- whose exact ages and signup days are all distinct. With k = 2 and l = 2 in spend_band and no suppression
-- possible within max_suppression, the least information loss is age in 5-year bands (31, 33 | 36, 38),
-- signup week, exact city and gender: loss (1/3 + 0 + 1/3 + 0) / 4. Rows returned are mismatches.
{{ config(tags=['macros']) }}
{%- set choice = veil.choose_generalization(ref('generalization_lattice_case'), 'spend_band', k=2, l=2) %}
{%- set expected = {'age': '5_years', 'geography': 'city', 'signup_date': 'week', 'gender': 'exact'} %}

with

cases as (

    {%- for name, level in expected.items() %}
    select
        '{{ name }}' as quasi_identifier,
        '{{ level }}' as expected,
        '{{ (choice.levels or {}).get(name, "none") }}' as chosen
    union all
    {%- endfor %}
    select
        'suppressed' as quasi_identifier,
        '0 of 4' as expected,
        '{{ choice.suppressed }} of {{ choice.total }}' as chosen
    union all
    select
        'loss' as quasi_identifier,
        '0.1667' as expected,
        '{{ "%.4f" | format(choice.loss or 0) }}' as chosen

)

select * from cases
where expected != chosen
