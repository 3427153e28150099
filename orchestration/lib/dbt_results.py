"""dbt's test results (run_results.json with the manifest) as check records."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from orchestration.lib.quality import CheckRecord

# dbt's test status -> (our status, severity override); a test that only warns failed at warn severity.
_STATUS = {"pass": "pass", "fail": "fail", "warn": "fail", "error": "error", "skipped": "skipped"}


def tested_relation(test: Mapping[str, Any], manifest: Mapping[str, Any]) -> str:
    """The `schema/name` of the model, seed or source a test is attached to (the asset the check guards)."""
    nodes = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
    attached = test.get("attached_node") or next(iter(test.get("depends_on", {}).get("nodes", [])), None)
    node = nodes.get(attached or "")
    if node is None:
        return "dbt"
    return f"{node['schema']}/{node.get('identifier') or node['name']}" if node["resource_type"] == "source" \
        else f"{node['schema']}/{node['name']}"


def dbt_check_records(
    run_results: Mapping[str, Any],
    manifest: Mapping[str, Any],
    describe_failures: Callable[[str], str] | None = None,
) -> list[CheckRecord]:
    """One record per data test that dbt ran (unit tests are not data checks and are not recorded).

    For a failing test whose failures dbt stored (`store_failures`), `describe_failures(relation)` names the
    failing rows in the message (e.g. the organisation-years a coverage check found without a survey)."""
    records = []
    for result in run_results.get("results", []):
        test = manifest.get("nodes", {}).get(result["unique_id"])
        if not test or test["resource_type"] != "test":
            continue
        severity = "warn" if result["status"] == "warn" else str(test["config"].get("severity", "error")).lower()
        message = result.get("message") or ""
        if describe_failures and result["status"] in ("fail", "warn") and result.get("relation_name"):
            message = f"{message}: {describe_failures(result['relation_name'])}"
        records.append(
            CheckRecord(
                check=test["name"],
                target=tested_relation(test, manifest),
                severity=severity,
                status=_STATUS.get(result["status"], "error"),
                failing_rows=result.get("failures"),
                message=message,
            )
        )
    return records
