{#- The least-generalized level per quasi-identifier that makes `relation` k-anonymous and entropy
    l-diverse in `sensitive_column` (each class's entropy of it at least ln l, which implies l distinct
    values) while suppressing at most var('max_suppression') of its rows (or, when no node does, the node
    that suppresses least: the classes that fail are dropped either way). Searches the whole
    lattice of levels in one query (the finest aggregate of `relation`, crossed with the nodes and regrouped
    per node: one scan of `relation` and three aggregations, whatever the lattice's size) and returns
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
    {#- one pass: the finest aggregate (every level of every quasi-identifier, and the sensitive value),
        crossed with the lattice's nodes, regrouped per node -#}
    {%- set node_rows = [] -%}
    {%- for node in nodes -%}{%- do node_rows.append([loop.index0] + node) -%}{%- endfor -%}
    {%- set level_columns = [] -%}
    {%- for name in names -%}{%- do level_columns.append('l_' ~ loop.index0) -%}{%- endfor -%}
    {%- set query -%}
        with finest as (
            select
                {%- for name in names %}{% set i = loop.index0 %}
                {%- for level in range(hierarchies[name] | length) %}
                {{ veil.generalize(name, level) }} as qi_{{ i }}_{{ level }},
                {%- endfor %}
                {%- endfor %}
                {{ sensitive_column }} as sensitive_value,
                count(*) as n
            from {{ relation }}
            group by
                {%- for name in names %}
                {%- for level in range(hierarchies[name] | length) %}
                {{ veil.generalize(name, level) }},
                {%- endfor %}
                {%- endfor %}
                {{ sensitive_column }}
        ),

        nodes as (
            {{ veil.literal_rows(node_rows, ['node'] + level_columns) }}
        ),

        exploded as (
            select
                nodes.node,
                {%- for name in names %}{% set i = loop.index0 %}
                case nodes.l_{{ i }}
                    {%- for level in range(hierarchies[name] | length) %}
                    when {{ level }} then finest.qi_{{ i }}_{{ level }}
                    {%- endfor %}
                end as qi_{{ i }},
                {%- endfor %}
                finest.sensitive_value,
                finest.n
            from finest cross join nodes
        ),

        values_per_class as (
            select
                node,
                {%- for name in names %}
                qi_{{ loop.index0 }},
                {%- endfor %}
                sum(n) as n
            from exploded
            group by node, {% for name in names %}qi_{{ loop.index0 }}, {% endfor %}sensitive_value
        ),

        classes as (
            select
                node,
                sum(n) as class_size,
                ln(sum(n)) - sum(n * ln(n)) / sum(n) as entropy
            from values_per_class
            group by node, {% for name in names %}qi_{{ loop.index0 }}{{ ", " if not loop.last }}{% endfor %}
        ),

        per_node as (
            select
                node,
                sum(case when class_size < {{ k }} or entropy < ln({{ l }}) - 1e-9 then class_size else 0 end)
                    as suppressed,
                sum(class_size) as total
            from classes
            group by node
        )

        select
            nodes.node,
            coalesce(per_node.suppressed, 0) as suppressed,
            coalesce(per_node.total, 0) as total
        from nodes
        left join per_node on nodes.node = per_node.node
        order by nodes.node
    {%- endset -%}
    {%- set best = {} -%}
    {%- set fallback = {} -%}
    {%- for row in run_query(query).rows -%}
        {%- set node = nodes[row[0]] -%}
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
