{#- The least-generalized level per quasi-identifier that makes `relation` k-anonymous and entropy
    l-diverse in `sensitive_column` (each class's entropy of it at least ln l, which implies l distinct
    values) while suppressing at most var('max_suppression') of its rows (or, when no node does, the node
    that suppresses least: the classes that fail are dropped either way). Searches the whole
    lattice of levels (one aggregate per node over `relation`) and returns
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
    {%- set query -%}
        {%- for node in nodes %}
        select
            {{ loop.index0 }} as node,
            coalesce(sum(case when class_size < {{ k }} or entropy < ln({{ l }}) - 1e-9 then class_size else 0 end), 0)
                as suppressed,
            coalesce(sum(class_size), 0) as total
        from (
            select
                sum(n) as class_size,
                ln(sum(n)) - sum(n * ln(n)) / sum(n) as entropy
            from (
                select
                    {%- for name in names %}
                    {{ veil.generalize(name, node[loop.index0]) }} as qi_{{ loop.index0 }},
                    {%- endfor %}
                    {{ sensitive_column }} as sensitive_value,
                    count(*) as n
                from {{ relation }}
                group by
                    {%- for name in names %}
                    {{ veil.generalize(name, node[loop.index0]) }},
                    {%- endfor %}
                    {{ sensitive_column }}
            ) as values_per_class
            group by {% for name in names %}qi_{{ loop.index0 }}{{ ", " if not loop.last }}{% endfor %}
        ) as classes
        {% if not loop.last %}union all{% endif %}
        {%- endfor %}
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
