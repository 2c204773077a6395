-- Every column of every source and model carries config.meta.privacy, and no exported mart declares a
-- direct identifier. Each returned row is a violation.
select
    resource_type,
    resource_name,
    column_name,
    privacy_class
from {{ ref('pii_inventory') }}
where
    privacy_class not in ('direct_identifier', 'quasi_identifier', 'sensitive', 'non_sensitive')
    or (schema_name = 'marts' and privacy_class = 'direct_identifier')
