-- User-level extract that is k-anonymous in (age, geography, signup date, gender) and l-diverse in
-- spend_band: each quasi-identifier is generalized to the least-generalized level of its hierarchy that
-- reaches k and l with at most var('max_suppression') of users suppressed; smaller classes are dropped.
-- No user key: rows cannot be joined back to other tables.
{%- set choice = veil.choose_generalization(ref('int_users_release_base'), 'spend_band') %}
{%- if execute and not choice %}
    {{ exceptions.raise_compiler_error("no generalization reaches k=" ~ var('k_anonymity') ~ ", l="
        ~ var('l_diversity') ~ " within max_suppression=" ~ var('max_suppression')) }}
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
        tier,
        activity_band,
        purchase_band,
        spend_band

    from base

),

classes as (

    select
        age_group,
        geography,
        signup_period,
        gender,
        count(*) as class_size,
        count(distinct spend_band) as class_diversity

    from generalized
    group by age_group, geography, signup_period, gender

),

classified as (

    select
        generalized.*,
        classes.class_size,
        classes.class_diversity

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
        tier,
        activity_band,
        purchase_band,
        spend_band,
        '{{ generalization }}' as generalization,
        cast({{ choice.loss | round(4) }} as {{ veil.double_type() }}) as information_loss

    from classified
    where class_size >= {{ var('k_anonymity') }} and class_diversity >= {{ var('l_diversity') }}

)

select * from final
