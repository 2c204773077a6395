-- GDPR Art. 30 records of processing, generated from the YAML declarations: each source table and each
-- model with a declared purpose, its legal basis, personal-data categories, recipients and retention.
with

declared as (

    {{ veil.records_of_processing_rows() }}

),

final as (

    select
        relation_name,
        resource_type,
        purpose,
        legal_basis,
        purpose_description,
        personal_data_categories,
        'customers (account holders and app users)' as data_subjects,
        recipients,
        retention,
        is_shared_with_third_parties

    from declared

)

select * from final
