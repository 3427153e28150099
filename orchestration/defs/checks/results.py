"""Between the check record of `orchestration.lib.quality` and Dagster's asset check results."""

from collections.abc import Mapping

from dagster import AssetCheckResult, AssetCheckSeverity, AssetKey, MetadataValue

from orchestration.lib.quality import CheckRecord


def asset_check_result(
    record: CheckRecord, check_name: str, asset_key: AssetKey, metadata: Mapping[str, object] | None = None
) -> AssetCheckResult:
    return AssetCheckResult(
        asset_key=asset_key,
        check_name=check_name,
        passed=record.status in ("pass", "skipped"),
        severity=AssetCheckSeverity.ERROR if record.severity == "error" else AssetCheckSeverity.WARN,
        description=record.message or None,
        metadata={
            "status": MetadataValue.text(record.status),
            "failing_rows": MetadataValue.int(record.failing_rows or 0),
            **(metadata or {}),
        },
    )
