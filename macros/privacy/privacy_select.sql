{#- The select list for a staging model, built from the source's YAML classification: each column is
    kept, dropped, pseudonymized, masked or generalized as its `transform` says. A column without a
    classification stops compilation. -#}
{% macro privacy_select(source_name, table_name) -%}
    {%- set transforms_known = ['pseudonymize', 'mask_email', 'mask_phone', 'truncate_ip', 'age_band', 'age_years',
                                'redact_free_text', 'redact_url', 'browser_family'] -%}
    {%- if not execute -%}{{ return('null as parsing_placeholder') }}{%- endif -%}
    {%- set node = veil.source_node(source_name, table_name) -%}
    {%- set outputs = [] -%}
    {%- for column in node.columns.values() -%}
        {%- set meta = veil.column_meta(column) -%}
        {%- set transform = meta.get('transform') -%}
        {%- if not meta.get('privacy') or not transform -%}
            {{ exceptions.raise_compiler_error(
                "column " ~ source_name ~ "." ~ table_name ~ "." ~ column.name
                ~ " needs config.meta.privacy and config.meta.transform in its sources YAML") }}
        {%- endif -%}
        {%- set name = adapter.quote(column.name) if column.name in ('user', 'order') else column.name -%}
        {#- a column may declare several transforms, each with its output: transform: [a, b], output: [x, y] -#}
        {%- set transforms = transform if transform is not string else [transform] -%}
        {%- set declared_outputs = meta.get('output') -%}
        {%- for one in transforms -%}
            {%- if declared_outputs is none -%}
                {%- set output = column.name ~ ('_masked' if one.startswith('mask_') else '') -%}
            {%- elif declared_outputs is string -%}
                {%- set output = declared_outputs -%}
            {%- else -%}
                {%- set output = declared_outputs[loop.index0] -%}
            {%- endif -%}
            {%- if one == 'keep' -%}
                {%- do outputs.append(name ~ ' as ' ~ output) -%}
            {%- elif one == 'drop' -%}
            {%- elif one in transforms_known -%}
                {%- do outputs.append(veil[one](name) ~ ' as ' ~ output) -%}
            {%- else -%}
                {{ exceptions.raise_compiler_error(
                    "unknown transform '" ~ one ~ "' for " ~ table_name ~ "." ~ column.name
                    ~ "; one of keep, drop, " ~ transforms_known | join(', ')) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(outputs | join(',\n    ')) }}
{%- endmacro %}
