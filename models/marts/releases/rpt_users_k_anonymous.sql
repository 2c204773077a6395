-- User-level extract that is k-anonymous in (age, geography, signup date, gender) and entropy l-diverse in
-- spend_band: each quasi-identifier is generalized to the least-generalized level of its hierarchy that
-- reaches k and l with at most var('max_suppression') of users suppressed (else the node suppressing least);
-- classes below k or l are dropped.
-- No user key: rows cannot be joined back to other tables. Subscription tier and the activity and purchase
-- bands are left out: a tier is public on a profile (a linkage key), and the bands restate spend_band.
{%- set choice = veil.choose_generalization(ref('int_users_release_base'), 'spend_band') %}
{%- if execute and not choice %}
    {{ exceptions.raise_compiler_error("choose_generalization returned no node for int_users_release_base") }}
{%- endif %}
{%- set generalization = [] %}
{%- for name, level in choice.levels.items() %}{% do generalization.append(name ~ '=' ~ level) %}{% endfor %}
{%- set generalization = generalization | join(';') %}

with

base as (

    select * from {{ ref('int_users_release_base') }}

),

generalized as (

    select
        {{ veil.generalize('age', choice.levels.age) }} as age_group,
        {{ veil.generalize('geography', choice.levels.geography) }} as geography,
        {{ veil.generalize('signup_date', choice.levels.signup_date) }} as signup_period,
        {{ veil.generalize('gender', choice.levels.gender) }} as gender,
        spend_band

    from base

),

values_per_class as (

    select
        age_group,
        geography,
        signup_period,
        gender,
        spend_band,
        count(*) as n

    from generalized
    group by age_group, geography, signup_period, gender, spend_band

),

classes as (

    select
        age_group,
        geography,
        signup_period,
        gender,
        sum(n) as class_size,
        ln(sum(n)) - sum(n * ln(n)) / sum(n) as class_entropy

    from values_per_class
    group by age_group, geography, signup_period, gender

),

classified as (

    select
        generalized.*,
        classes.class_size,
        classes.class_entropy

    from generalized
    inner join classes
        on
            generalized.age_group = classes.age_group
            and generalized.geography = classes.geography
            and generalized.signup_period = classes.signup_period
            and generalized.gender = classes.gender

),

final as (

    select
        age_group,
        geography,
        signup_period,
        gender,
        spend_band,
        '{{ generalization }}' as generalization,
        cast({{ choice.loss | round(4) }} as {{ veil.double_type() }}) as information_loss

    from classified
    where class_size >= {{ var('k_anonymity') }} and class_entropy >= ln({{ var('l_diversity') }}) - 1e-9

)

select * from final
