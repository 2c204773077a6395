-- Clean events with the consent state valid at the event's time, per purpose, plus the CCPA / GPC
-- opt-out: a GPC signal on the event or a withdrawn sale_or_share consent.
{{ config(meta={'erasure': 'in_place'}) }}

with

events as (

    select * from {{ ref('int_events_validated') }}
    where quarantine_reason is null

),

consent_periods as (

    select * from {{ ref('int_consent_periods') }}

),

fx as (

    select * from {{ ref('fx_rates') }}

),

joined as (

    select
        events.*,
        {%- for purpose in veil.consent_purposes() %}
        coalesce(consent_periods.has_{{ purpose }}_consent, false) as has_{{ purpose }}_consent,
        {%- endfor %}
        round(cast(events.revenue / fx.units_per_usd as decimal(18, 6)), 2) as revenue_usd

    from events
    left join consent_periods
        on
            events.user_key = consent_periods.user_key
            and events.event_ts >= consent_periods.valid_from
            and (consent_periods.valid_to is null or events.event_ts < consent_periods.valid_to)
    left join fx on events.currency = fx.currency

),

final as (

    select
        *,
        gpc or not has_sale_or_share_consent as is_opted_out_of_sale

    from joined

)

select * from final
