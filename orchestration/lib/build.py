"""`wres build`: materialise every asset in one process and report what happened."""

from __future__ import annotations

from orchestration.settings import Settings


def run_build(settings: Settings) -> int:
    import sys

    from dagster import DagsterInstance

    from orchestration.defs.ingest.assets import DEVELOPMENT_KEY_WARNING

    from orchestration.definitions import BUILD_JOB, build_definitions

    if settings.uses_development_key:
        print(f"WARNING: {DEVELOPMENT_KEY_WARNING}", file=sys.stderr)
    defs = build_definitions(settings)
    job = defs.resolve_job_def(BUILD_JOB)
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    failed_checks = [
        evaluation
        for evaluation in (e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION")
        if not evaluation.passed and evaluation.severity.value == "ERROR"
    ]
    for evaluation in failed_checks:
        print(f"FAILED check {evaluation.asset_key.to_user_string()}:{evaluation.check_name}: {evaluation.description or ''}")
    print(f"warehouse: {settings.warehouse}\nexports:   {settings.exports_dir}")
    return 0 if result.success and not failed_checks else 1
