-- Audience segments shared with an advertising partner (a "sale or share" under CCPA). Only users whose
-- current sale_or_share consent is granted, who never opted out under CCPA and never sent a Global Privacy
-- Control signal. The partner gets its own keyed pseudonym, not our user_key, so it cannot link to us.
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
    from {{ ref('stg_app__consents') }}
    where source in ('ccpa_opt_out', 'gpc')
    union
    select distinct user_key
    from {{ ref('int_events_validated') }}
    where gpc

),

final as (

    select
        md5(concat('{{ var("partner_audience_salt", "partner-audience-v1") }}|', users.user_key)) as audience_id,
        users.country,
        users.age_band,
        users.tier

    from users
    inner join current_consent on users.user_key = current_consent.user_key
    left join opted_out on users.user_key = opted_out.user_key
    where opted_out.user_key is null

)

select * from final
