{#- A user agent string reduced to its browser family (the full string is a fingerprinting vector). -#}
{% macro browser_family(expr) -%}
    case
        when {{ expr }} is null then null
        when {{ expr }} like '%Edg/%' then 'Edge'
        when {{ expr }} like '%SamsungBrowser/%' then 'Samsung Internet'
        when {{ expr }} like '%Firefox/%' then 'Firefox'
        when {{ expr }} like '%CriOS/%' or {{ expr }} like '%Chrome/%' then 'Chrome'
        when {{ expr }} like '%Safari/%' then 'Safari'
        else 'Other'
    end
{%- endmacro %}
