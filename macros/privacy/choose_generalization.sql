{#- The least-generalized level per quasi-identifier that makes `relation` k-anonymous and entropy
    l-diverse in `sensitive_column` (each class's entropy of it at least ln l, which implies l distinct
    values) while suppressing at most var('max_suppression') of its rows (or, when no node does, the node
    that suppresses least: the classes that fail are dropped either way). Searches the whole
    lattice of levels in one query: one scan of `relation` into its finest aggregate, rolled up one hierarchy
    at a time into the classes of every node (the rows processed are about the classes of all nodes together,
    not the finest aggregate times the lattice's size), and returns
    {'levels': {hierarchy: level_name}, 'suppressed': rows, 'total': rows, 'loss': 0..1}.
    Information loss = mean over quasi-identifiers of level / top level. -#}
{% macro choose_generalization(relation, sensitive_column, k=none, l=none) -%}
    {%- set k = k or var('k_anonymity') -%}
    {%- set l = l or var('l_diversity') -%}
    {%- set hierarchies = var('generalization_hierarchies') -%}
    {%- set names = hierarchies.keys() | list -%}
    {%- set lattice = namespace(nodes=[[]]) -%}
    {%- for name in names -%}
        {%- set grown = [] -%}
        {%- for node in lattice.nodes -%}
            {%- for level in range(hierarchies[name] | length) -%}
                {%- do grown.append(node + [level]) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- set lattice.nodes = grown -%}
    {%- endfor -%}
    {%- set nodes = lattice.nodes -%}
    {%- if not execute -%}
        {%- set levels = {} -%}{%- for name in names -%}{%- do levels.update({name: hierarchies[name][0]}) -%}{%- endfor -%}
        {{ return({'levels': levels, 'suppressed': 0, 'total': 0, 'loss': 0}) }}
    {%- endif -%}
    {#- One scan of `relation`: its finest aggregate (one row per combination of the hierarchies' source columns,
        with a count per value of the sensitive column), each hierarchy's levels as integer codes (dense ranks over
        a small table of its distinct source values), then rolled up one hierarchy at a time (each row once per
        level of it, regrouped), so that the last stage holds the classes of every node. Each class's size and
        entropy come from its counts per sensitive value. Hierarchies with more levels are rolled up first. -#}
    {%- set sensitive_values = [] -%}
    {%- for row in run_query("select distinct cast(" ~ sensitive_column ~ " as " ~ veil.text_type() ~ ") from " ~ relation).rows -%}
        {%- do sensitive_values.append(row[0]) -%}
    {%- endfor -%}
    {%- if sensitive_values | length > 64 -%}
        {{ exceptions.raise_compiler_error("choose_generalization: " ~ sensitive_column ~ " has " ~ (sensitive_values | length)
                                           ~ " values; l-diversity is computed over at most 64") }}
    {%- endif -%}
    {%- set counts = [] -%}
    {%- for value in sensitive_values -%}{%- do counts.append('n_' ~ loop.index0) -%}{%- endfor -%}
    {%- set sources = [] -%}
    {%- for name in names -%}{%- do sources.extend(veil.generalization_columns(name)) -%}{%- endfor -%}
    {%- set order = [] -%}
    {%- for size in range(10, 0, -1) -%}
        {%- for name in names -%}{%- if hierarchies[name] | length == size -%}{%- do order.append(loop.index0) -%}{%- endif -%}{%- endfor -%}
    {%- endfor -%}
    {%- set class_size = counts | join(' + ') -%}
    {%- set node_id = namespace(expr='l_0') -%}
    {%- for name in names[1:] -%}
        {%- set node_id.expr = '(' ~ node_id.expr ~ ') * ' ~ (hierarchies[name] | length) ~ ' + l_' ~ loop.index -%}
    {%- endfor -%}
    {%- set query -%}
        with finest as (
            select
                {{ sources | join(', ') }},
                {%- for value in sensitive_values %}
                sum(case when {% if value is none %}{{ sensitive_column }} is null{% else %}cast({{ sensitive_column }} as {{ veil.text_type() }}) = {{ veil.sql_string(value) }}{% endif %} then 1 else 0 end) as n_{{ loop.index0 }}{{ "," if not loop.last }}
                {%- endfor %}
            from {{ relation }}
            group by {{ sources | join(', ') }}
        ),
        {%- for name in names %}{% set i = loop.index0 %}{% set columns = veil.generalization_columns(name) %}

        codes_{{ i }} as (
            select
                {{ columns | join(', ') }},
                {%- for level in range(hierarchies[name] | length) %}
                dense_rank() over (order by {{ veil.generalize(name, level) }}) as c_{{ i }}_{{ level }}{{ "," if not loop.last }}
                {%- endfor %}
            from (select distinct {{ columns | join(', ') }} from finest) as distinct_values
        ),
        {%- endfor %}

        stage_0 as (
            select
                {%- for name in names %}{% set i = loop.index0 %}
                {%- for level in range(hierarchies[name] | length) %}
                codes_{{ i }}.c_{{ i }}_{{ level }},
                {%- endfor %}
                {%- endfor %}
                {%- for n in counts %}
                finest.{{ n }}{{ "," if not loop.last }}
                {%- endfor %}
            from finest
            {%- for name in names %}{% set i = loop.index0 %}
            inner join codes_{{ i }}
                on {% for column in veil.generalization_columns(name) %}finest.{{ column }} is not distinct from codes_{{ i }}.{{ column }}{{ " and " if not loop.last }}{% endfor %}
            {%- endfor %}
        ),
        {%- set done = [] %}
        {%- for i in order %}{% set step = loop.index %}
        {%- set kept = [] %}
        {%- set level_rows = [] %}
        {%- for level in range(hierarchies[names[i]] | length) %}{% do level_rows.append([level]) %}{% endfor %}
        {%- for d in done %}{% do kept.extend(['l_' ~ d, 'k_' ~ d]) %}{% endfor %}
        {%- for d in order %}{% if d not in done and d != i %}
        {%- for level in range(hierarchies[names[d]] | length) %}{% do kept.append('c_' ~ d ~ '_' ~ level) %}{% endfor %}
        {%- endif %}{% endfor %}

        stage_{{ step }} as (
            select
                {%- for column in kept %}
                {{ column }},
                {%- endfor %}
                l_{{ i }},
                k_{{ i }},
                {%- for n in counts %}
                sum({{ n }}) as {{ n }}{{ "," if not loop.last }}
                {%- endfor %}
            from (
                select
                    {%- for column in kept %}
                    previous.{{ column }},
                    {%- endfor %}
                    levels.lv as l_{{ i }},
                    case levels.lv
                        {%- for level in range(hierarchies[names[i]] | length) %}
                        when {{ level }} then previous.c_{{ i }}_{{ level }}
                        {%- endfor %}
                    end as k_{{ i }},
                    {%- for n in counts %}
                    previous.{{ n }}{{ "," if not loop.last }}
                    {%- endfor %}
                from stage_{{ step - 1 }} as previous
                cross join ({{ veil.literal_rows(level_rows, ['lv']) }}) as levels
            ) as expanded
            group by {% for column in kept %}{{ column }}, {% endfor %}l_{{ i }}, k_{{ i }}
        ),
        {%- do done.append(i) %}
        {%- endfor %}

        classes as (
            select
                {%- for name in names %}
                l_{{ loop.index0 }},
                {%- endfor %}
                {{ class_size }} as class_size,
                ln({{ class_size }}) - (
                    {%- for n in counts %}
                    case when {{ n }} > 0 then {{ n }} * ln({{ n }}) else 0 end{{ " +" if not loop.last }}
                    {%- endfor %}
                ) / ({{ class_size }}) as entropy
            from stage_{{ order | length }}
        )

        select
            {{ node_id.expr }} as node,
            sum(case when class_size < {{ k }} or entropy < ln({{ l }}) - 1e-9 then class_size else 0 end) as suppressed,
            sum(class_size) as total
        from classes
        group by {% for name in names %}l_{{ loop.index0 }}{{ ", " if not loop.last }}{% endfor %}
    {%- endset -%}
    {%- set found = {} -%}
    {%- for row in (run_query(query).rows if sensitive_values else []) -%}
        {%- do found.update({row[0] | int: [row[1] | int, row[2] | int]}) -%}
    {%- endfor -%}
{%- set best = {} -%}
    {%- set fallback = {} -%}
    {%- for node in nodes -%}
        {%- set row = [loop.index0] + found.get(loop.index0, [0, 0]) -%}
        {%- set ns = namespace(loss=0) -%}
        {%- for name in names -%}
            {%- set ns.loss = ns.loss + node[loop.index0] / ((hierarchies[name] | length) - 1) -%}
        {%- endfor -%}
        {%- set loss = ns.loss / (names | length) -%}
        {%- set allowed = row[2] == 0 or row[1] / row[2] <= var('max_suppression') -%}
        {%- set levels = {} -%}
        {%- for name in names -%}{%- do levels.update({name: hierarchies[name][node[loop.index0]]}) -%}{%- endfor -%}
        {%- set candidate = {'levels': levels, 'suppressed': row[1], 'total': row[2], 'loss': loss} -%}
        {%- if allowed and (not best or (loss, row[1]) < (best.loss, best.suppressed)) -%}
            {%- do best.update(candidate) -%}
        {%- endif -%}
        {%- if not fallback or (row[1], loss) < (fallback.suppressed, fallback.loss) -%}
            {%- do fallback.update(candidate) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not best -%}
        {#- no node suppresses little enough: the one that suppresses least (the release stays k-anonymous and
            l-diverse, its classes are filtered; only its utility is below max_suppression's promise) -#}
        {%- do log("choose_generalization: no node of " ~ relation ~ " suppresses at most " ~ var('max_suppression')
                   ~ "; using the one that suppresses least (" ~ fallback.suppressed ~ " of " ~ fallback.total ~ ")",
                   info=true) -%}
        {{ return(fallback) }}
    {%- endif -%}
    {{ return(best) }}
{%- endmacro %}
