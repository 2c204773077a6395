-- Every column of every source and model carries a config.meta.privacy of vars.privacy_classes, and no
-- exported mart declares a direct identifier. Each returned row is a violation.
select
    resource_type,
    resource_name,
    column_name,
    privacy_class
from {{ ref('pii_inventory') }}
where
    privacy_class not in (
        {%- for privacy_class in var('privacy_classes') %}
        '{{ privacy_class }}'{{ "," if not loop.last }}
        {%- endfor %}
    )
    or (schema_name = 'marts' and privacy_class = 'direct_identifier')
