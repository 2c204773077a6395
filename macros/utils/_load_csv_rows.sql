{#- dbt-spark's seed loader binds values into its INSERT without escaping quotes, so a seed holding O'Brien
    fails to parse on Spark. This override writes each value as a Spark string literal (veil.sql_string) cast
    to the column's type; dbt finds it before the adapter's own because the root project comes first. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {%- for row in chunk %}
            (
                {%- for value in row -%}
                    {%- set column_type = column_override.get(agate_table.column_names[loop.index0],
                                                              adapter.convert_type(agate_table, loop.index0)) -%}
                    cast({{ 'null' if value is none else veil.sql_string(value) }} as {{ column_type }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%}
            ){{ "," if not loop.last }}
            {%- endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
