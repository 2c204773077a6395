{#- on-run-start: what each engine needs before models run (never the key itself in SQL). -#}
{% macro prepare_adapter() -%}
    {{ return(adapter.dispatch('prepare_adapter', 'veil')()) }}
{%- endmacro %}

{% macro default__prepare_adapter() -%}
    select 1
{%- endmacro %}

{% macro postgres__prepare_adapter() -%}
    create extension if not exists pgcrypto;
    do $$ begin
        if coalesce(length(current_setting('veil.pseudonym_key', true)), 0) < 16 then
            raise exception 'veil.pseudonym_key is not set: export PGOPTIONS="-c veil.pseudonym_key=$DBT_ENV_SECRET_PSEUDONYM_KEY" (veil sets it for you)';
        end if;
        if coalesce(length(current_setting('veil.subject_key', true)), 0) < 16 then
            raise exception 'veil.subject_key is not set (the erasure ledger could match no one): export PGOPTIONS="-c veil.subject_key=$DBT_ENV_SECRET_SUBJECT_KEY" (veil sets it for you)';
        end if;
    end $$
{%- endmacro %}

{% macro spark__prepare_adapter() -%}
    select case
        when coalesce(length({{ veil._spark_secret('pseudonym_key') }}), 0) < 16
            or startswith({{ veil._spark_secret('pseudonym_key') }}, '$')
        then raise_error('the pseudonymization key is not set on this session: run dbt as `veil dbt <args>` with DBT_ENV_SECRET_PSEUDONYM_KEY exported (veil sets it on the running session, never on a command line)')
        when coalesce(length({{ veil._spark_secret('subject_key') }}), 0) < 16
            or startswith({{ veil._spark_secret('subject_key') }}, '$')
        then raise_error('the subject key is not set on this session (the erasure ledger could match no one): export DBT_ENV_SECRET_SUBJECT_KEY (make keeps it in .veil/subject.key)')
    end as key_check
{%- endmacro %}
