"""The monthly refresh and the annual return: runs of every asset for every organisation partition.

- `monthly_refresh`: 06:00 (UK time) on the 1st of every month except April;
- `annual_return`: 06:00 on 1 April, the day after the WRES year ends (31 March), tagged with that year
  (`wres/wres_year`); it replaces April's monthly refresh. The return is built from whatever has landed: if an
  extract arrives later, the landing sensor (or the next monthly refresh) rebuilds it.

Both are one run over the whole organisation key range (like `wres build`). Partitions are added by the landing
sensor and by `wres build`; with none yet, a schedule skips.
"""

from __future__ import annotations

import datetime as dt

from dagster import (
    JobDefinition,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from orchestration.defs.partitions import ORGANISATIONS, all_organisations_tags

TIMEZONE = "Europe/London"
MONTHLY_CRON = "0 6 1 1-3,5-12 *"
ANNUAL_CRON = "0 6 1 4 *"


def wres_year_ended_by(day: dt.date) -> int:
    """The latest WRES year that has ended by `day` (WRES year Y ends on 31 March Y)."""
    return day.year if (day.month, day.day) > (3, 31) else day.year - 1


def scheduled_run(
    context: ScheduleEvaluationContext, name: str, extra_tags: dict[str, str]
) -> RunRequest | SkipReason:
    keys = context.instance.get_dynamic_partitions(ORGANISATIONS.name)
    if not keys:
        return SkipReason("no organisation partition yet (the landing sensor or `wres build` adds them)")
    day = context.scheduled_execution_time.date()
    return RunRequest(
        run_key=f"{name}:{day.isoformat()}",
        tags={"wres/trigger": name, **extra_tags, **all_organisations_tags(keys)},
    )


def build_schedules(job: JobDefinition | UnresolvedAssetJobDefinition) -> list[ScheduleDefinition]:
    @schedule(name="monthly_refresh", job=job, cron_schedule=MONTHLY_CRON, execution_timezone=TIMEZONE,
              description="Every asset for every organisation, 06:00 on the 1st of each month (April: annual_return).")
    def monthly_refresh(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
        return scheduled_run(context, "monthly_refresh", {})

    @schedule(name="annual_return", job=job, cron_schedule=ANNUAL_CRON, execution_timezone=TIMEZONE,
              description="The WRES return after the year ends on 31 March: every asset, 06:00 on 1 April.")
    def annual_return(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
        year = wres_year_ended_by(context.scheduled_execution_time.date())
        return scheduled_run(context, "annual_return", {"wres/wres_year": str(year)})

    return [monthly_refresh, annual_return]
