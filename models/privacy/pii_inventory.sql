-- The classification of every column of every source and model, read from the YAML declarations
-- (config.meta). Visible in the docs site and exported for the privacy office.
{{ config(materialized='table') }}

{{ veil.pii_inventory_rows() }}
