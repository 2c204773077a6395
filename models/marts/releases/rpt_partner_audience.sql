-- Audience segments shared with an advertising partner (a "sale or share" under CCPA). Only users whose
-- current sale_or_share consent is granted, who never opted out under CCPA and never sent a Global Privacy
-- Control signal. The partner gets its own keyed pseudonym, not our user_key, so it cannot link to us, and
-- the extract is k-anonymous in (country, age_band, tier).
with

users as (

    select * from {{ ref('dim_users') }}

),

current_consent as (

    select user_key
    from {{ ref('int_consent_periods') }}
    where valid_to is null and has_sale_or_share_consent

),

opted_out as (

    select distinct user_key
    from {{ ref('int_consent_decisions') }}
    where source in ('ccpa_opt_out', 'gpc')
    union
    select distinct user_key
    from {{ ref('int_events_validated') }}
    where gpc

),

audience as (

    select
        {{ veil.recipient_pseudonym('partner', 'users.user_key') }} as audience_id,
        users.country,
        users.age_band,
        users.tier

    from users
    inner join current_consent on users.user_key = current_consent.user_key
    left join opted_out on users.user_key = opted_out.user_key
    where opted_out.user_key is null

),

-- a partner may know a person's country, age and tier: classes smaller than k are suppressed
classes as (

    select
        country,
        age_band,
        tier
    from audience
    group by country, age_band, tier
    having count(*) >= {{ var('k_anonymity') }}

),

final as (

    select audience.*
    from audience
    inner join classes
        on
            audience.country = classes.country
            and audience.age_band = classes.age_band
            and audience.tier = classes.tier

)

select * from final
