{#- The least-generalized level per quasi-identifier that makes `relation` k-anonymous and l-diverse in
    `sensitive_column` while suppressing at most var('max_suppression') of its rows. Searches the whole
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
            coalesce(sum(case when class_size < {{ k }} or diversity < {{ l }} then class_size else 0 end), 0)
                as suppressed,
            coalesce(sum(class_size), 0) as total
        from (
            select count(*) as class_size, count(distinct {{ sensitive_column }}) as diversity
            from {{ relation }}
            group by
                {%- for name in names %}
                {{ veil.generalize(name, node[loop.index0]) }}{{ "," if not loop.last }}
                {%- endfor %}
        ) as classes
        {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    {%- endset -%}
    {%- set best = {} -%}
    {%- for row in run_query(query).rows -%}
        {%- set node = nodes[row[0]] -%}
        {%- set ns = namespace(loss=0) -%}
        {%- for name in names -%}
            {%- set ns.loss = ns.loss + node[loop.index0] / ((hierarchies[name] | length) - 1) -%}
        {%- endfor -%}
        {%- set loss = ns.loss / (names | length) -%}
        {%- set allowed = row[2] == 0 or row[1] / row[2] <= var('max_suppression') -%}
        {%- if allowed and (not best or (loss, row[1]) < (best.loss, best.suppressed)) -%}
            {%- set levels = {} -%}
            {%- for name in names -%}{%- do levels.update({name: hierarchies[name][node[loop.index0]]}) -%}{%- endfor -%}
            {%- do best.update({'levels': levels, 'suppressed': row[1], 'total': row[2], 'loss': loss}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(best) }}
{%- endmacro %}
