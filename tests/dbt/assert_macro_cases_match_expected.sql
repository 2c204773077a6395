-- Case tests of the privacy and utility macros (dbt-utils integration_tests pattern): each seed of
-- seeds/macro_cases holds inputs and the expected output worked out by hand; every row returned here is a
-- macro whose output differs. Runs on every target that dispatches a version (spark in `dbt build`,
-- postgres in pytest).
{{ config(tags=['macros']) }}
{%- set text = veil.text_type() %}
{%- set row_macros = ['mask_email', 'mask_phone', 'truncate_ip', 'redact_free_text', 'redact_url',
                      'browser_family'] %}
{%- set hierarchies = var('generalization_hierarchies') %}

with

privacy_cases as (

    select * from {{ ref('privacy_macro_cases') }}

),

age_cases as (

    select * from {{ ref('age_cases') }}

),

generalize_cases as (

    select * from {{ ref('generalize_cases') }}

),

last_non_null_cases as (

    select * from {{ ref('last_non_null_cases') }}

),

months_between_cases as (

    select * from {{ ref('months_between_cases') }}

),

privacy_results as (

    select
        macro_name,
        input_value,
        expected,
        case macro_name
            {%- for name in row_macros %}
            when '{{ name }}' then {{ veil[name]('input_value') }}
            {%- endfor %}
        end as actual

    from privacy_cases

),

age_results as (

    select
        'age_years' as macro_name,
        cast(date_of_birth as {{ text }}) as input_value,
        cast(expected_years as {{ text }}) as expected,
        cast({{ veil.age_years('date_of_birth', 'as_of') }} as {{ text }}) as actual
    from age_cases
    union all
    select
        'age_band' as macro_name,
        cast(date_of_birth as {{ text }}) as input_value,
        expected_band as expected,
        {{ veil.age_band('date_of_birth', 'as_of') }} as actual
    from age_cases

),

generalize_results as (

    select
        'generalize' as macro_name,
        concat(hierarchy, ':', level) as input_value,
        cast(expected as {{ text }}) as expected,
        case
            {%- for name, levels in hierarchies.items() %}
            {%- for level in levels %}
            when hierarchy = '{{ name }}' and level = '{{ level }}' then {{ veil.generalize(name, level) }}
            {%- endfor %}
            {%- endfor %}
        end as actual

    from generalize_cases

),

last_non_null_results as (

    select
        'last_non_null' as macro_name,
        concat(partition_key, ':', cast(position as {{ text }})) as input_value,
        expected,
        {{ veil.last_non_null('value', 'partition_key', 'position') }} as actual

    from last_non_null_cases

),

months_between_results as (

    select
        'months_between_months' as macro_name,
        concat(cast(later as {{ text }}), ' - ', cast(earlier as {{ text }})) as input_value,
        cast(expected as {{ text }}) as expected,
        cast({{ veil.months_between_months('later', 'earlier') }} as {{ text }}) as actual

    from months_between_cases

),

all_results as (

    select * from privacy_results
    union all
    select * from age_results
    union all
    select * from generalize_results
    union all
    select * from last_non_null_results
    union all
    select * from months_between_results

)

select * from all_results
where coalesce(actual, '<null>') != coalesce(expected, '<null>')
