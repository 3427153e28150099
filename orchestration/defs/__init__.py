"""The Dagster definitions, one folder per concern: ingest, dbt, exports."""
