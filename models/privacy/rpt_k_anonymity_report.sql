-- What the k-anonymous release cost: levels chosen, users released and suppressed, information loss.
with

released as (

    select
        generalization,
        information_loss,
        count(*) as released_users

    from {{ ref('rpt_users_k_anonymous') }}
    group by generalization, information_loss

),

base as (

    select count(*) as eligible_users from {{ ref('int_users_release_base') }}

),

final as (

    select
        released.generalization,
        released.information_loss,
        base.eligible_users,
        released.released_users,
        base.eligible_users - released.released_users as suppressed_users,
        {{ veil.ratio('base.eligible_users - released.released_users', 'base.eligible_users') }} as suppressed_share,
        {{ var('k_anonymity') }} as k,
        {{ var('l_diversity') }} as l

    from released
    cross join base

)

select * from final
