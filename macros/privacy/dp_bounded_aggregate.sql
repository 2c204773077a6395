{#- Contribution-bounded exact aggregate, the input of a differentially private release (noise is added
    by `veil release`, never in SQL: Spark's rand() is not a cryptographic source).

    Per user (the privacy unit, user_key): at most `max_rows_per_group` rows in a group and at most
    `max_groups` groups, each chosen by a hash rank salted with the dbt invocation (not by sort order);
    `value` is clamped to [lower, upper] before summing. Returns one row per group with
    users (bounded distinct users), total (bounded, clamped sum), exact_users and exact_total (unbounded,
    for the bias report; never released).

    A count (no `value`) needs no row ranking: whichever rows are kept, a user's contribution to a group is
    least(rows, max_rows_per_group), so one aggregation per (user, group) replaces the window over every row.
    The exact figures come from the same per-(user, group) aggregate: one pass over the relation. -#}
{% macro dp_bounded_aggregate(relation, group_by, row_id, max_groups, max_rows_per_group=1, value=none,
                              lower=0, upper=none) -%}
    {%- set salt = var('dp_salt', invocation_id) -%}
    {%- set clamped = '1' if value is none else 'least(greatest(' ~ value ~ ', ' ~ lower ~ '), ' ~ upper ~ ')' -%}
with

contributions as (

    select
        user_key,
        cast({{ group_by }} as {{ veil.text_type() }}) as group_key,
        {{ row_id }} as row_id,
        {{ value if value is not none else '1' }} as raw_value,
        {{ clamped }} as clamped_value

    from {{ relation }}
    where user_key is not null

),

{%- if value is none %}

per_user_group as (

    select
        user_key,
        group_key,
        least(count(*), {{ max_rows_per_group }}) as contribution,
        count(*) as raw_total

    from contributions
    group by user_key, group_key

),
{%- else %}

rows_ranked as (

    select
        *,
        row_number() over (
            partition by user_key, group_key
            order by md5(concat('{{ salt }}', '|', cast(row_id as {{ veil.text_type() }})))
        ) as row_rank

    from contributions

),

per_user_group as (

    select
        user_key,
        group_key,
        sum(case when row_rank <= {{ max_rows_per_group }} then clamped_value end) as contribution,
        sum(raw_value) as raw_total

    from rows_ranked
    group by user_key, group_key

),
{%- endif %}

groups_ranked as (

    select
        *,
        row_number() over (
            partition by user_key
            order by md5(concat('{{ salt }}', '|', user_key, '|', group_key))
        ) as group_rank

    from per_user_group

),

bounded as (

    select
        group_key,
        count(*) as users,
        sum(contribution) as total

    from groups_ranked
    where group_rank <= {{ max_groups }}
    group by group_key

),

exact as (

    select
        group_key,
        count(*) as exact_users,
        sum(raw_total) as exact_total

    from per_user_group
    group by group_key

)

select
    exact.group_key,
    coalesce(bounded.users, 0) as users,
    cast(coalesce(bounded.total, 0) as {{ veil.double_type() }}) as total,
    exact.exact_users,
    cast(exact.exact_total as {{ veil.double_type() }}) as exact_total,
    {{ max_groups }} as max_groups,
    {{ max_rows_per_group }} as max_rows_per_group,
    cast({{ lower }} as {{ veil.double_type() }}) as lower_bound,
    cast({{ upper if upper is not none else 1 }} as {{ veil.double_type() }}) as upper_bound

from exact
left join bounded on exact.group_key = bounded.group_key
{%- endmacro %}
