-- Equality test for the privacy macros: each case's macro output must equal the expected value.
-- Runs on every target that dispatches a version (spark in `dbt build`, postgres in pytest).
{{ config(tags=['macros']) }}

{%- set cases = [
    ('mask_email', "zoe.o'brien@example.com", "z***@example.com"),
    ('mask_email', "李@example.cn", "李***@example.cn"),
    ('mask_email', "no-at-sign", none),
    ('mask_phone', "+44 7700 900123", "+44 ***23"),
    ('mask_phone', "+1 415-555-0142", "+1 ***42"),
    ('mask_phone', "030 1234567", " ***67"),
    ('truncate_ip', "203.0.113.77", "203.0.113.0/24"),
    ('truncate_ip', "2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::/48"),
    ('truncate_ip', "not an ip", none),
    ('redact_free_text', "contact zoe.obrien@example.com now", "contact <EMAIL> now"),
    ('redact_free_text', "call me +49 151 2345678 please", "call me <PHONE> please"),
    ('redact_free_text', "red shoes size 42", "red shoes size 42"),
    ('redact_free_text', "my ip 203.0.113.7 and card 4111 1111 1111 1111", "my ip <IP_ADDRESS> and card <CREDIT_CARD>"),
    ('redact_free_text', "Zoë O'Brien 李 +86 138 0013 8000", "Zoë O'Brien 李 <PHONE>"),
    ('redact_url', "https://shop.example.com/search?q=zoe%40example.com#top", "https://shop.example.com/search"),
    ('browser_family', "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge"),
    ('browser_family', "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari"),
] -%}

with

cases as (

    {%- for macro_name, input_value, expected in cases %}
    select
        '{{ macro_name }}' as macro_name,
        {{ veil.sql_string(input_value) }} as input_value,
        {{ veil.sql_string(expected) if expected is not none else 'null' }} as expected,
        {{ veil[macro_name](veil.sql_string(input_value)) }} as actual
    union all
    {%- endfor %}
    select
        'age_band' as macro_name,
        '1990-06-15' as input_value,
        '35-44' as expected,
        {{ veil.age_band("cast('1990-06-15' as date)", "cast('2026-01-01' as date)") }} as actual

)

select *
from cases
where coalesce(actual, '<null>') != coalesce(expected, '<null>')
