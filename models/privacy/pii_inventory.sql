-- Every column of every source and model: its declared classification (YAML config.meta) next to what
-- `veil scan` detected in the data (scan.column_findings, when a scan has run; empty otherwise).
{%- set findings = adapter.get_relation(database=none, schema='scan', identifier='column_findings')
    if execute and adapter.check_schema_exists(target.database, 'scan') else none %}

with

declared as (

    {{ veil.pii_inventory_rows() }}

),

detected as (

    {%- if findings %}
    select
        relation,
        column_name,
        detected_privacy,
        detected_entity,
        confidence,
        evidence
    from {{ findings }}
    {%- else %}
    select
        cast(null as {{ veil.text_type() }}) as relation,
        cast(null as {{ veil.text_type() }}) as column_name,  -- noqa: RF04
        cast(null as {{ veil.text_type() }}) as detected_privacy,
        cast(null as {{ veil.text_type() }}) as detected_entity,
        cast(null as {{ veil.double_type() }}) as confidence,
        cast(null as {{ veil.text_type() }}) as evidence
    where 1 = 0
    {%- endif %}

),

final as (

    select
        declared.resource_type,
        declared.resource_name,
        declared.schema_name,
        declared.column_name,
        declared.privacy_class,
        declared.pii_entity,
        declared.transform,
        detected.detected_privacy,
        detected.detected_entity,
        detected.confidence as detection_confidence,
        detected.evidence as detection_evidence

    from declared
    left join detected
        on
            concat(declared.schema_name, '.', declared.resource_name) = detected.relation
            and declared.column_name = detected.column_name

)

select * from final
