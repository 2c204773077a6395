{#- IPv4 -> its /24 network, IPv6 -> its /48 network, in CIDR notation; null when not an address.
    (|| rather than concat(): PostgreSQL's concat() skips nulls, and a non-address must stay null.) -#}
{% macro truncate_ip(expr) -%}
    case
        when {{ expr }} like '%:%'
            then {{ veil.regex_extract(expr, '^([0-9a-fA-F]{0,4}:[0-9a-fA-F]{0,4}:[0-9a-fA-F]{0,4})') }} || '::/48'
        else {{ veil.regex_extract(expr, '^([0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3})[.][0-9]{1,3}$') }} || '.0/24'
    end
{%- endmacro %}
