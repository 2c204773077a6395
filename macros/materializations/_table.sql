{#- Spark tables built beside the old one and swapped in only when complete. dbt-spark's own table
    materialization drops the old table first, so a build that failed left the model missing; here a failure
    leaves the previous table in place. (Parquet tables cannot be replaced atomically: the swap is a drop and a
    rename of a complete table.) -#}
{% materialization table, adapter='spark', supported_languages=['sql'] %}
  {%- set identifier = model['alias'] -%}
  {%- set grant_config = config.get('grants') -%}
  {%- set old_relation = adapter.get_relation(database=database, schema=schema, identifier=identifier) -%}
  {%- set target_relation = api.Relation.create(
      identifier=identifier, schema=schema, database=database, type='table') -%}
  {%- set building = api.Relation.create(
      identifier=identifier ~ '__dbt_building', schema=schema, database=database, type='table') -%}

  {{ run_hooks(pre_hooks) }}
  {{ adapter.drop_relation(building) }}

  {%- call statement('main') -%}
    {{ create_table_as(False, building, compiled_code) }}
  {%- endcall -%}

  {% if old_relation is not none %}
    {{ adapter.drop_relation(old_relation) }}
  {% endif %}
  {{ adapter.rename_relation(building, target_relation) }}

  {% set should_revoke = should_revoke(old_relation, full_refresh_mode=True) %}
  {% do apply_grants(target_relation, grant_config, should_revoke) %}
  {% do persist_docs(target_relation, model) %}
  {% do persist_constraints(target_relation, model) %}
  {{ run_hooks(post_hooks) }}

  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
