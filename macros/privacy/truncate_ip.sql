{#- IPv4 -> its network of var('ip_prefix_v4') bits (a multiple of 8), IPv6 -> its network of
    var('ip_prefix_v6') bits (a multiple of 16), in CIDR notation; null when not an address.
    (|| rather than concat(): PostgreSQL's concat() skips nulls, and a non-address must stay null.) -#}
{% macro truncate_ip(expr) -%}
    {%- set v4, v6 = var('ip_prefix_v4') | int, var('ip_prefix_v6') | int -%}
    {%- if v4 not in (8, 16, 24) or v6 not in (16, 32, 48, 64) -%}
        {{ exceptions.raise_compiler_error("ip_prefix_v4 must be 8, 16 or 24 and ip_prefix_v6 16, 32, 48 or 64; got "
                                           ~ v4 ~ " and " ~ v6) }}
    {%- endif -%}
    {%- set octet, group = '[0-9]{1,3}', '[0-9a-fA-F]{0,4}' -%}
    {%- set kept, dropped = (v4 // 8), 4 - (v4 // 8) -%}
    {%- set v4_pattern = '^(' ~ ([octet] * kept) | join('[.]') ~ ')' ~ ('[.]' ~ octet) * dropped ~ '$' -%}
    {%- set v6_pattern = '^(' ~ ([group] * (v6 // 16)) | join(':') ~ ')' -%}
    case
        when {{ expr }} like '%:%'
            then {{ veil.regex_extract(expr, v6_pattern) }} || '::/{{ v6 }}'
        else {{ veil.regex_extract(expr, v4_pattern) }} || '{{ ".0" * dropped }}/{{ v4 }}'
    end
{%- endmacro %}
