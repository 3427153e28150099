"""Organisation partitions end to end.

1. `wres build` (the session's acceptance build, no extra build) added a partition per organisation of the
   landing folder and materialised every asset in one run: the partitioned assets for every organisation, the
   all-organisation marts unpartitioned, dbt tables with their row counts.
2. On a tiny landing folder and the real instance config (`dagster.yaml`): the landing sensor's first request
   builds everything; then one trust re-issues its extract, and the sensor's request for that trust (executed
   here in process, as the daemon would launch it) re-materialises that trust only, and the all-organisation
   assets once; its dbt build recomputes that trust only (incremental models), and leaves every table as a
   full refresh would. Its data tests read that trust's rows only, and a staging view's tests only the rows
   that changed in its own sources.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, RunRequest, build_sensor_context

from orchestration.defs.automation.sensors import SENSOR_NAME
from orchestration.defs.partitions import ORGANISATIONS
from orchestration.lib.generator import GeneratorOptions, generate
from orchestration.lib.landing_changes import file_organisations, landing_organisations
from orchestration.defs.dbt.project import dbt_executable
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from tests.harness import ACCEPTANCE_KIT, RUN_DATE, build_env, run_build

pytestmark = pytest.mark.slow

RAW_SIP = AssetKey(["raw", "staff_in_post"])
RAW_TRAINING = AssetKey(["raw", "training"])
HEADLINE = AssetKey(["marts", "rpt_wres_headline"])
BENCHMARK = AssetKey(["marts", "rpt_wres_benchmark"])


def materialisations(instance: DagsterInstance, key: AssetKey) -> list:
    return [r.asset_materialization for r in instance.fetch_materializations(key, limit=1000).records]


def partitions_of(instance: DagsterInstance, key: AssetKey) -> list[str | None]:
    return sorted((m.partition for m in materialisations(instance, key)), key=str)


def last_tests_of(model: str) -> str:
    """The SQL the newest dbt build ran for the generic data tests of `model` (from its run's target folder)."""
    newest = max((DBT_PROJECT_DIR / "target").glob("wres_dbt_*/run"), key=lambda folder: folder.stat().st_mtime)
    tests = [sql for test in sorted(newest.glob("models/**/*.yml/*.sql"))
             if f'."{model}" where' in (sql := test.read_text(encoding="utf-8"))]
    assert tests, model
    return "\n".join(tests)


def test_wres_build_materialises_every_organisation_partition(acceptance_build, monkeypatch):
    organisations = landing_organisations(ACCEPTANCE_KIT / "landing")
    home = acceptance_build.warehouse.parent.parent / "dagster_home"  # holds dagster.yaml (`wres build` sets it up)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_dynamic_partitions(ORGANISATIONS.name) == organisations
        assert partitions_of(instance, RAW_SIP) == organisations
        assert partitions_of(instance, HEADLINE) == organisations
        assert partitions_of(instance, BENCHMARK) == [None]  # the all-organisation marts: unpartitioned
        counts = {m.metadata["dagster/row_count"].value for m in materialisations(instance, HEADLINE)}
    assert counts == {acceptance_build.query("select count(*) from marts.rpt_wres_headline")[0][0]}


def test_the_sensor_builds_then_reruns_one_reissued_trust(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    generate(landing, GeneratorOptions(organisations=2, staff_per_organisation=60, years=2))
    work = tmp_path / "work"
    home = work / "dagster_home"
    home.mkdir(parents=True)
    shutil.copyfile(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")  # as `wres setup` does
    env = build_env(landing, work, RUN_DATE)
    for variable in ("WRES_LANDING_DIR", "WRES_WAREHOUSE", "WRES_EXPORTS_DIR", "WRES_RUN_DATE", "DAGSTER_HOME"):
        monkeypatch.setenv(variable, env[variable])

    from orchestration.definitions import BUILD_JOB, build_definitions
    from orchestration.settings import load_settings

    defs = build_definitions(load_settings())
    job, sensor = defs.resolve_job_def(BUILD_JOB), defs.resolve_sensor_def(SENSOR_NAME)

    def tick(instance: DagsterInstance, cursor: str | None):
        with build_sensor_context(instance=instance, cursor=cursor, definitions=defs) as context:
            result = sensor(context)
        for request in result.dynamic_partitions_requests or []:
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        return result

    def launch(instance: DagsterInstance, request: RunRequest) -> list[str]:
        """Run the request; its log messages."""
        result = job.execute_in_process(instance=instance, partition_key=request.partition_key,
                                        asset_selection=request.asset_selection, tags=request.tags,
                                        raise_on_error=False)
        assert result.success
        return [entry.user_message for entry in instance.all_logs(result.run_id)]

    def staff_rows(file_name: str) -> int:
        with duckdb.connect(env["WRES_WAREHOUSE"], read_only=True) as con:
            return con.execute("select count(*) from raw.staff_in_post where _file_name = ?", [file_name]).fetchone()[0]

    organisations = landing_organisations(landing)
    with DagsterInstance.from_config(str(home)) as instance:
        first = tick(instance, None)
        [request] = first.run_requests
        launch(instance, request)  # an empty warehouse: everything, every organisation, one run
        assert partitions_of(instance, RAW_SIP) == organisations
        assert partitions_of(instance, BENCHMARK) == [None]

        reissued = next(p for p in sorted((landing / "staff_in_post").glob("*.csv")) if len(file_organisations(p)) == 1)
        [trust] = file_organisations(reissued)
        rows_before = staff_rows(reissued.name)
        lines = reissued.read_text(encoding="utf-8").splitlines(keepends=True)
        reissued.write_text("".join(lines[:-5]), encoding="utf-8")  # five rows fewer

        [request] = tick(instance, first.cursor).run_requests
        assert request.partition_key == trust
        messages = launch(instance, request)
        assert f"Incremental build: 1 organisation(s) changed: {trust}" in messages  # dbt: that trust only
        # Data tests read the trust's rows of an incremental model, and none of a staging view of an unchanged source.
        assert f"where organisation_code in ('{trust}')) dbt_subquery" in last_tests_of("int_assignments")
        assert "where false) dbt_subquery" in last_tests_of("stg_training__activities")
        assert "dbt_subquery" not in last_tests_of("stg_training__activities").replace("where false) dbt_subquery", "")
        assert partitions_of(instance, RAW_SIP) == sorted([*organisations, trust])  # that trust only
        assert partitions_of(instance, RAW_TRAINING) == organisations  # an unchanged source: not run
        assert partitions_of(instance, BENCHMARK) == [None, None]  # the all-organisation marts once more
    assert staff_rows(reissued.name) == rows_before - 5
    assert_same_as_full_refresh(Path(env["WRES_WAREHOUSE"]), tmp_path / "full_refresh.duckdb")


def assert_same_as_full_refresh(warehouse: Path, copy: Path) -> None:
    """Every intermediate and mart table the incremental build left equals what dbt builds from scratch (on a copy
    of the warehouse, with `dbt run --full-refresh`), row for row."""
    shutil.copyfile(warehouse, copy)
    subprocess.run(
        [dbt_executable(), "run", "--full-refresh", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR)],
        env={**os.environ, "WRES_WAREHOUSE": str(copy)}, cwd=DBT_PROJECT_DIR, check=True, capture_output=True,
    )
    with duckdb.connect() as con:
        con.execute(f"attach '{warehouse}' as incremental (read_only)")
        con.execute(f"attach '{copy}' as full_refresh (read_only)")
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = 'incremental' and schema_name in ('intermediate', 'marts') order by all"
        ).fetchall()
        assert len(tables) > 30
        differ = [
            f"{schema}.{table}" for schema, table in tables
            if con.execute(
                f"select count(*) from ((select * from incremental.{schema}.{table} "
                f"except all select * from full_refresh.{schema}.{table}) union all "
                f"(select * from full_refresh.{schema}.{table} "
                f"except all select * from incremental.{schema}.{table}))"
            ).fetchone()[0]
        ]
    assert differ == []


def test_a_landing_folder_without_any_organisation_code_is_refused(tmp_path):
    (tmp_path / "landing" / "training").mkdir(parents=True)
    (tmp_path / "landing" / "training" / "t.csv").write_text("record_id\n1\n", encoding="utf-8")
    build = run_build(tmp_path / "landing", tmp_path / "work")
    assert build.returncode == 1 and "no organisation code in the landing folder" in build.output
