"""Running it unattended: organisation partitions, the landing sensor, the schedules, the instance config, and
the dbt step's row counts. Pure rules are tested as functions; the sensor and the schedules are evaluated with
Dagster's testing contexts on real files in temporary folders (no run is executed here: see
tests/e2e/test_partitions.py)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from dagster import (
    AssetKey,
    DagsterInstance,
    Output,
    RunRequest,
    SkipReason,
    build_schedule_context,
    build_sensor_context,
    instance_for_test,
)
from dagster._utils.schedules import cron_string_iterator

from orchestration.definitions import BUILD_JOB, defs
from orchestration.defs.automation.plan import MAX_ORGANISATION_RUNS, PlannedRun, plan_runs
from orchestration.defs.automation.schedules import ANNUAL_CRON, MONTHLY_CRON, TIMEZONE, wres_year_ended_by
from orchestration.defs.automation.sensors import SENSOR_NAME
from orchestration.defs.dbt.assets import ROW_COUNT, counted_relations, is_lock_error, with_row_count
from orchestration.defs.partitions import (
    FULL_REFRESH_TAG,
    ORGANISATIONS,
    all_organisations_tags,
    build_run,
    changed_organisation,
    last_build,
    new_organisations,
    record_build,
)
from orchestration.lib.landing_changes import (
    FileChange,
    FileState,
    changed_files,
    dump_states,
    file_organisations,
    landing_organisations,
    load_states,
    organisations_in_text,
    scan_landing,
)
from orchestration.settings import PROJECT_ROOT
from tests.harness import write_csv

RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"
SIP_HEADER = ["organisation_code", "snapshot_date", "employee_number", "assignment_number", "assignment_category",
              "staff_group", "ethnic_origin"]
RAW_SIP, RAW_TRAINING = AssetKey(["raw", "staff_in_post"]), AssetKey(["raw", "training"])
HEADLINE, BENCHMARK = AssetKey(["marts", "rpt_wres_headline"]), AssetKey(["marts", "rpt_wres_benchmark"])
RELEASE = AssetKey(["exports", "release"])


def sip(landing: Path, organisation: str, staff: int = 2, name: str | None = None) -> Path:
    rows = [[organisation, "2024-03-31", f"E{i}", f"A{i}", "Permanent", "Administrative and Clerical", "A"]
            for i in range(staff)]
    return write_csv(landing / "staff_in_post" / (name or f"{organisation}_sip.csv"), SIP_HEADER, rows)


def change(source: str, *organisations: str) -> FileChange:
    return FileChange(source, f"{source}.csv", "sha-" + "".join(organisations), frozenset(organisations))


# ---------------------------------------------------------------------------------------------------------------
# The organisations of the landing folder


def test_organisation_codes_are_read_like_the_loader_reads_them():
    text = "\n\n Organisation_Code ,x\nr1a,1\n R1B ,2\n,3\nR1A,4\n"
    assert organisations_in_text(text) == {"R1A", "R1B"}
    assert organisations_in_text("org,x\nR1A,1\n") == frozenset()  # no organisation_code column
    assert organisations_in_text("") == frozenset()


def test_an_unreadable_file_has_no_organisation(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"organisation_code\x00\nR1A\n")
    assert file_organisations(path) == frozenset()


def test_landing_organisations_are_every_code_of_every_source(tmp_path):
    sip(tmp_path, "R1A")
    write_csv(tmp_path / "training" / "t.csv", ["organisation_code", "record_id"], [["r2b", 1], ["R1A", 2]])
    write_csv(tmp_path / "not_a_source" / "x.csv", ["organisation_code"], [["ZZZ"]])
    assert landing_organisations(tmp_path) == ["R1A", "R2B"]


@pytest.mark.parametrize(("data", "by_duckdb"), [
    (b"\n\norganisation_code,x\nR1A,1\n", False),  # blank lines before the header: Python's reader
    (b"x,Organisation_Code \r\n1, r1a \r\n2,R1B\r\n", True),  # CRLF, the last column, case and spaces
    (b"\xef\xbb\xbforganisation_code,x\nR1A,1\n", True),  # a byte-order mark
    (b"organisation_code,name\nR1A,caf\xe9\n", False),  # Windows-1252: Python's reader
    (b'organisation_code,x\nR1A,"a\nb"\nR1B,2\n', False),  # a quoted line break: DuckDB refuses, Python reads
    (b"organisation_code,x,y\nR1A\nR1B,1,2,3\n", True),  # records too short and too long
    (b"x,y\n1,2\n", True),  # no organisation_code
    (b"", False),
])
def test_duckdb_and_python_read_the_same_organisation_codes(tmp_path, data, by_duckdb):
    from orchestration.lib.landing_changes import _organisations_by_duckdb

    path = tmp_path / "x.csv"
    path.write_bytes(data)
    fast = _organisations_by_duckdb(path, data)
    assert (fast is not None) == by_duckdb
    if fast is not None:
        assert fast == file_organisations(path)  # a small file: Python's reader


@pytest.mark.parametrize("duckdb_from_bytes", [0, 1024 * 1024])  # clean files read together by DuckDB, or not
def test_clean_files_read_together_give_each_file_its_own_codes(tmp_path, monkeypatch, duckdb_from_bytes):
    from orchestration.lib import landing_changes
    from orchestration.lib.landing_changes import organisations_of_files

    monkeypatch.setattr(landing_changes, "DUCKDB_MIN_BYTES", duckdb_from_bytes)

    files = {
        "a.csv": b"organisation_code,x\nR1A,1\nr1b,2\n",  # clean: read together with c.csv
        "b.csv": b"organisation_code,x\nR2A,\"a\nb\"\n",  # a quoted line break: on its own
        "c.csv": b"organisation_code,x\n R3A ,1\n,2\n",
        "d.csv": b"organisation_code,x\n",  # clean, no records
        "e.csv": b"x,organisation_code\n1,R4A\n",  # another header: another scan
        "f.csv": b"organisation_code,x\nR5A,1\n\nR5B,2\n",  # an empty line: read with a.csv all the same
    }
    paths = []
    for name, data in files.items():
        paths.append(tmp_path / name)
        paths[-1].write_bytes(data)
    together = organisations_of_files(paths)
    assert together == {path: file_organisations(path) for path in paths}
    assert [sorted(together[path]) for path in paths] == [["R1A", "R1B"], ["R2A"], ["R3A"], [], ["R4A"],
                                                          ["R5A", "R5B"]]


def test_wres_build_reads_only_new_or_changed_files_again(tmp_path):
    landing, cache = tmp_path / "landing", tmp_path / "cache.json"
    path = sip(landing, "R1A")
    assert landing_organisations(landing, cache) == ["R1A"] and cache.exists()
    states = load_states(cache.read_text())
    key = next(iter(states))
    forged = {key: states[key].__class__(states[key].stat, states[key].sha256, frozenset({"CACHED"}))}
    cache.write_text(dump_states(forged))
    assert landing_organisations(landing, cache) == ["CACHED"]  # the stat is unchanged: not read again
    sip(landing, "R1B", name=path.name)
    assert landing_organisations(landing, cache) == ["R1B"]
    cache.write_text("not json")
    assert landing_organisations(landing, cache) == ["R1B"]


# ---------------------------------------------------------------------------------------------------------------
# Changes by content hash, with a stat cache


def test_a_touched_file_is_not_a_change_and_a_changed_one_is(tmp_path):
    path = sip(tmp_path, "R1A")
    first = scan_landing(tmp_path, {})
    assert [c.organisations for c in changed_files({}, first)] == [{"R1A"}]
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # touched: the stat differs, the content does not
    touched = scan_landing(tmp_path, first)
    assert changed_files(first, touched) == []
    sip(tmp_path, "R1B", name=path.name)  # the same file now holds another organisation's rows
    changed = changed_files(touched, scan_landing(tmp_path, touched))
    assert [(c.source, c.file_name, c.organisations) for c in changed] == [("staff_in_post", path.name, {"R1A", "R1B"})]


def test_an_unchanged_stat_reuses_the_recorded_hash(tmp_path):
    sip(tmp_path, "R1A")
    first = scan_landing(tmp_path, {})
    key = next(iter(first))
    forged = {key: first[key].__class__(first[key].stat, "recorded", first[key].organisations)}
    assert scan_landing(tmp_path, forged)[key].sha256 == "recorded"  # not hashed again


def test_a_removed_file_is_not_a_change(tmp_path):
    path = sip(tmp_path, "R1A")
    first = scan_landing(tmp_path, {})
    path.unlink()
    assert changed_files(first, scan_landing(tmp_path, first)) == []


def test_the_cursor_round_trips(tmp_path):
    sip(tmp_path, "R1A")
    states = scan_landing(tmp_path, {})
    assert load_states(dump_states(states)) == states
    assert load_states(None) is None and load_states("") is None


# ---------------------------------------------------------------------------------------------------------------
# Which runs a change calls for


def test_no_change_no_run():
    assert plan_runs([], first_look=False) == [] and plan_runs([], first_look=True) == []


def test_the_first_look_builds_everything_for_every_organisation():
    [run] = plan_runs([change("staff_in_post", "R1A")], first_look=True)
    assert (run.organisation, run.sources, run.all_organisation_assets) == (None, None, True)


def test_one_organisation_one_run_of_its_changed_sources():
    [run] = plan_runs([change("staff_in_post", "R1A"), change("training", "R1A")], first_look=False)
    assert (run.organisation, run.sources, run.all_organisation_assets) == (
        "R1A", {"staff_in_post", "training"}, True)


def test_a_few_organisations_one_run_each_and_the_all_organisation_assets_once():
    runs = plan_runs([change("staff_in_post", "R1A"), change("training", "R1B")], first_look=False)
    assert [(r.organisation, r.sources, r.all_organisation_assets) for r in runs] == [
        ("R1A", {"staff_in_post"}, False), ("R1B", {"training"}, True)]
    assert len({r.run_key for r in runs}) == 2


def test_many_organisations_or_a_file_without_one_is_one_run_of_every_organisation():
    codes = [f"R{i}" for i in range(MAX_ORGANISATION_RUNS + 1)]
    [run] = plan_runs([change("staff_survey", *codes)], first_look=False)
    assert (run.organisation, run.sources, run.all_organisation_assets) == (None, {"staff_survey"}, True)
    [run] = plan_runs([change("board", "R1A"), change("training")], first_look=False)
    assert (run.organisation, run.sources) == (None, {"board", "training"})


def test_run_keys_follow_the_content():
    one = plan_runs([change("staff_in_post", "R1A")], first_look=False)
    again = plan_runs([change("staff_in_post", "R1A")], first_look=False)
    other = plan_runs([FileChange("staff_in_post", "staff_in_post.csv", "sha-new", frozenset({"R1A"}))], False)
    assert one[0].run_key == again[0].run_key != other[0].run_key


def test_partition_helpers():
    assert new_organisations(["R1A"], ["R1B", "R1A", "R1B"]) == ["R1B"]
    assert all_organisations_tags(["R1A", "R1B", "R1C"]) == {RANGE_START: "R1A", RANGE_END: "R1C"}
    with pytest.raises(ValueError):
        all_organisations_tags([])


# ---------------------------------------------------------------------------------------------------------------
# The run `wres build` launches


def test_wres_build_runs_every_organisation_first_then_the_one_that_changed(tmp_path):
    landing = tmp_path / "landing"
    sip(landing, "R1A")
    sip(landing, "R1B")
    (tmp_path / "home").mkdir()
    with instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        first = build_run(instance, landing, "v1")
        assert first.organisation is None and first.tags == {RANGE_START: "R1A", RANGE_END: "R1B"}
        record_build(instance, first)
        assert build_run(instance, landing, "v1").organisation is None  # no change: every organisation again
        sip(landing, "R1B", staff=3)  # R1B re-issues its extract
        second = build_run(instance, landing, "v1")
        assert second.organisation == "R1B" and second.tags == {}
        assert build_run(instance, landing, "v2").organisation is None  # another version of the code: everything
        forced = build_run(instance, landing, "v1", full_refresh=True)
        assert forced.organisation is None and forced.tags[FULL_REFRESH_TAG] == "true"
        sip(landing, "R1A", staff=3)
        assert build_run(instance, landing, "v1").organisation is None  # two organisations changed since


def test_the_changed_organisation_rule():
    def states(**files: tuple[str, set[str]]) -> dict[str, FileState]:
        return {
            f"staff_in_post/{name}": FileState((1, 1, 1, 1), sha, frozenset(orgs))
            for name, (sha, orgs) in files.items()
        }

    built = states(a=("1", {"R1A"}), b=("2", {"R1B"}), c=("3", set()))
    assert changed_organisation(None, built) is None  # no build recorded
    assert changed_organisation(built, built) is None  # nothing changed
    assert changed_organisation(built, {**built, **states(a=("9", {"R1A"}))}) == "R1A"
    assert changed_organisation(built, {**built, **states(d=("9", {"R1A"}))}) == "R1A"  # a new file
    assert changed_organisation(built, {**built, **states(a=("9", {"R1A", "R1B"}))}) is None
    assert changed_organisation(built, {**built, **states(c=("9", set()))}) is None  # no organisation code
    assert last_build("not json", "v1") is None and last_build(None, "v1") is None
    assert last_build('{"code": "v0", "landing": {}}', "v1") is None
    assert last_build('{"code": "v1", "landing": {}}', "v1") == {}


# ---------------------------------------------------------------------------------------------------------------
# The sensor, evaluated on real files


@pytest.fixture
def landing(tmp_path, monkeypatch):
    folder = tmp_path / "landing"
    folder.mkdir()
    monkeypatch.setenv("WRES_LANDING_DIR", str(folder))
    return folder


def evaluate(instance: DagsterInstance, cursor: str | None):
    """One tick of the sensor; its new partitions are added as the sensor daemon would."""
    with build_sensor_context(instance=instance, cursor=cursor, definitions=defs) as context:
        result = defs.resolve_sensor_def(SENSOR_NAME)(context)
    for request in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    return result


def assert_selectable(request: RunRequest) -> None:
    """The request's assets are a valid selection of the build job (partitioned and unpartitioned together)."""
    job = defs.resolve_job_def(BUILD_JOB)
    if request.asset_selection is not None:
        job.get_subset(asset_selection=set(request.asset_selection))


def test_the_sensor_builds_everything_first_then_only_what_changed(landing):
    sip(landing, "R1A")
    sip(landing, "R1B")
    with instance_for_test() as instance:
        first = evaluate(instance, None)
        [request] = first.run_requests
        assert request.asset_selection is None and request.partition_key is None  # every asset
        assert (request.tags[RANGE_START], request.tags[RANGE_END]) == ("R1A", "R1B")
        assert instance.get_dynamic_partitions(ORGANISATIONS.name) == ["R1A", "R1B"]

        unchanged = evaluate(instance, first.cursor)
        assert not unchanged.run_requests and unchanged.skip_reason is not None

        sip(landing, "R1A", staff=3)  # R1A re-issues its extract
        reissued = evaluate(instance, unchanged.cursor)
        [request] = reissued.run_requests
        assert request.partition_key == "R1A"
        selected = set(request.asset_selection)
        assert {RAW_SIP, HEADLINE, BENCHMARK, RELEASE} <= selected and RAW_TRAINING not in selected
        assert_selectable(request)

        sip(landing, "R1C")  # a new trust lands
        new = evaluate(instance, reissued.cursor)
        assert [r.partition_key for r in new.run_requests] == ["R1C"]
        assert instance.get_dynamic_partitions(ORGANISATIONS.name) == ["R1A", "R1B", "R1C"]
        assert evaluate(instance, new.cursor).run_requests == []


def test_the_sensor_on_an_empty_landing_folder_does_nothing_until_files_land(landing):
    with instance_for_test() as instance:
        empty = evaluate(instance, None)
        assert not empty.run_requests
        sip(landing, "R1A")
        [request] = evaluate(instance, empty.cursor).run_requests
        assert request.asset_selection is None  # still the first build: every source, every asset


def test_two_organisations_changed_two_runs_and_the_all_organisation_assets_in_the_last(landing):
    sip(landing, "R1A")
    sip(landing, "R1B")
    with instance_for_test() as instance:
        cursor = evaluate(instance, None).cursor
        sip(landing, "R1A", staff=3)
        sip(landing, "R1B", staff=3)
        first, last = evaluate(instance, cursor).run_requests
        assert (first.partition_key, last.partition_key) == ("R1A", "R1B")
        assert RELEASE not in first.asset_selection and RELEASE in last.asset_selection
        assert HEADLINE in first.asset_selection
        assert_selectable(first)


# ---------------------------------------------------------------------------------------------------------------
# The schedules

LONDON = ZoneInfo(TIMEZONE)


def test_the_schedules_fire_monthly_and_on_1_april_never_together():
    start = dt.datetime(2026, 12, 31, tzinfo=LONDON).timestamp()

    def fires(cron: str) -> list[dt.datetime]:
        times = cron_string_iterator(start, cron, TIMEZONE)
        return [next(times) for _ in range(12 if cron == MONTHLY_CRON else 2)]

    monthly, annual = fires(MONTHLY_CRON), fires(ANNUAL_CRON)
    assert [t.month for t in monthly] == [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 1]
    assert {(t.day, t.hour) for t in monthly} == {(1, 6)}
    assert [(t.year, t.month, t.day, t.hour) for t in annual] == [(2027, 4, 1, 6), (2028, 4, 1, 6)]


def test_the_wres_year_ended():
    assert wres_year_ended_by(dt.date(2027, 4, 1)) == 2027
    assert wres_year_ended_by(dt.date(2027, 3, 31)) == 2026
    assert wres_year_ended_by(dt.date(2027, 12, 1)) == 2027


@pytest.mark.parametrize("name", ["monthly_refresh", "annual_return"])
def test_a_schedule_skips_without_organisations(name):
    with instance_for_test() as instance:
        when = dt.datetime(2027, 4, 1, 6, tzinfo=LONDON)
        with build_schedule_context(instance=instance, scheduled_execution_time=when) as context:
            assert isinstance(defs.resolve_schedule_def(name).evaluate_tick(context).skip_message, str)


def test_the_schedules_request_every_asset_for_every_organisation():
    with instance_for_test() as instance:
        instance.add_dynamic_partitions(ORGANISATIONS.name, ["R1A", "R1B", "R1C"])

        def request(name: str, when: dt.datetime) -> RunRequest:
            with build_schedule_context(instance=instance, scheduled_execution_time=when) as context:
                [run] = defs.resolve_schedule_def(name).evaluate_tick(context).run_requests
            return run

        annual = request("annual_return", dt.datetime(2027, 4, 1, 6, tzinfo=LONDON))
        assert annual.tags["wres/wres_year"] == "2027"
        assert (annual.tags[RANGE_START], annual.tags[RANGE_END]) == ("R1A", "R1C")
        assert annual.asset_selection is None and annual.partition_key is None
        assert annual.run_key == "annual_return:2027-04-01"
        monthly = request("monthly_refresh", dt.datetime(2027, 5, 1, 6, tzinfo=LONDON))
        assert (monthly.tags[RANGE_START], monthly.tags[RANGE_END]) == ("R1A", "R1C")
        assert "wres/wres_year" not in monthly.tags and monthly.run_key == "monthly_refresh:2027-05-01"


# ---------------------------------------------------------------------------------------------------------------
# The instance configuration


def test_dagster_yaml_is_a_valid_instance_config_with_one_warehouse_writer(tmp_path):
    config = yaml.safe_load((PROJECT_ROOT / "dagster.yaml").read_text())
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 1
    assert config["concurrency"]["pools"] == {"default_limit": 1, "granularity": "run"}
    assert config["run_retries"]["enabled"] is True and config["run_retries"]["max_retries"] >= 1
    assert config["storage"]["custom"] == {
        "module": "orchestration.lib.event_log", "class": "WresSqliteStorage",
        "config": {"base_dir": {"env": "DAGSTER_HOME"}},
    }
    shutil.copyfile(PROJECT_ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(tmp_path))
        with DagsterInstance.from_config(str(tmp_path)) as instance:
            pools = instance.event_log_storage.get_pool_config()
            assert (pools.default_pool_limit, pools.pool_granularity.value) == (1, "run")
            assert instance.run_retries_enabled
            assert instance.run_retries_max_retries == config["run_retries"]["max_retries"]
            assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
            assert str(instance.root_directory).startswith(str(tmp_path))
            assert type(instance.event_log_storage).__name__ == "PooledSqliteEventLogStorage"
    assert (tmp_path / "history").is_dir()  # storage under DAGSTER_HOME


def test_every_asset_that_writes_the_warehouse_is_in_the_duckdb_pool():
    graph = defs.resolve_asset_graph()
    ingest_and_dbt = [k for k in graph.get_all_asset_keys()
                      if k.path[0] in ("raw", "reference", "staging", "intermediate", "marts")]
    assert ingest_and_dbt
    for key in ingest_and_dbt:
        assert graph.get(key).pools == {"duckdb"}, key


def test_partitioned_and_unpartitioned_assets():
    graph = defs.resolve_asset_graph()
    assert graph.get(RAW_SIP).partitions_def == ORGANISATIONS
    assert graph.get(HEADLINE).partitions_def == ORGANISATIONS
    assert graph.get(BENCHMARK).partitions_def is None
    assert graph.get(RELEASE).partitions_def is None
    assert graph.get(HEADLINE).backfill_policy.max_partitions_per_run is None  # one run for every organisation


# ---------------------------------------------------------------------------------------------------------------
# The dbt step: row counts and lock retries


def test_rows_are_counted_for_tables_and_seeds_not_views():
    manifest = {"nodes": {
        "model.wres.t": {"resource_type": "model", "name": "t", "schema": "marts", "config": {"materialized": "table"}},
        "model.wres.v": {"resource_type": "model", "name": "v", "schema": "staging",
                         "config": {"materialized": "view"}},
        "seed.wres.s": {"resource_type": "seed", "name": "s", "alias": "s2", "schema": "reference",
                        "config": {"materialized": "seed"}},
    }}
    assert counted_relations(manifest, ["model.wres.t", "model.wres.v", "seed.wres.s", "test.x"]) == {
        "model.wres.t": '"marts"."t"', "seed.wres.s": '"reference"."s2"'}


def test_a_row_count_is_added_to_the_materialisation_of_its_node():
    event = Output(None, output_name="marts_t", metadata={"unique_id": "model.wres.t"})
    counted = with_row_count(event, {"model.wres.t": 42})
    assert counted.metadata[ROW_COUNT].value == 42 and counted.metadata["unique_id"].value == "model.wres.t"
    assert with_row_count(event, {}) is event


def test_lock_errors_are_recognised():
    assert is_lock_error('IO Error: Could not set lock on file "/x/wres.duckdb": Conflicting lock is held')
    assert not is_lock_error("Database Error in model x: Binder Error")


def test_the_all_organisation_marts_are_the_benchmark_folder():
    from orchestration.defs.dbt.assets import all_organisation_models

    manifest = {"nodes": {
        "model.wres.a": {"resource_type": "model", "name": "a", "fqn": ["wres", "marts", "benchmark", "a"]},
        "model.wres.b": {"resource_type": "model", "name": "b", "fqn": ["wres", "marts", "wres", "b"]},
        "test.wres.c": {"resource_type": "test", "name": "c", "fqn": ["wres", "marts", "benchmark", "c"]},
    }}
    assert all_organisation_models(manifest) == ["a"]


def test_the_ingest_metadata_names_the_organisations_of_the_files_read(tmp_path):
    import duckdb

    from orchestration.lib.contract import SOURCES_BY_NAME
    from orchestration.lib.loader import load_source
    from orchestration.settings import SEEDS_DIR

    sip(tmp_path, "r1a")
    sip(tmp_path, "R1B")
    source = SOURCES_BY_NAME["staff_in_post"]
    with duckdb.connect() as con:
        first = load_source(con, source, tmp_path, SEEDS_DIR, dt.date(2026, 1, 1))
        assert first.organisations_read == ["R1A", "R1B"]
        sip(tmp_path, "R1B", staff=3)
        again = load_source(con, source, tmp_path, SEEDS_DIR, dt.date(2026, 1, 1))
        assert again.organisations_read == ["R1B"]
        assert load_source(con, source, tmp_path, SEEDS_DIR, dt.date(2026, 1, 1)).organisations_read == []


def test_the_files_go_on_the_reconcile_check_not_on_every_partition(tmp_path):
    """Dagster copies a materialisation's metadata into every partition of the run: the per-file lists (1,335
    files of staff in post nationally) are the metadata of the check `rows_reconcile`, recorded once."""
    import duckdb

    from orchestration.defs.ingest.assets import files_metadata, ingest_metadata
    from orchestration.lib.contract import SOURCES_BY_NAME
    from orchestration.lib.loader import load_source
    from orchestration.settings import SEEDS_DIR

    sip(tmp_path, "R1A")
    sip(tmp_path, "R1B", staff=3)
    with duckdb.connect() as con:
        load = load_source(con, SOURCES_BY_NAME["staff_in_post"], tmp_path, SEEDS_DIR, dt.date(2026, 1, 1))
    assert set(ingest_metadata(load)) == {
        "dagster/row_count", "rows_read", "rows_loaded", "rows_quarantined", "files", "unchanged"}
    hashes = files_metadata(load)["landing_file_hashes"].value
    assert [f["file_name"] for f in hashes] == [f["file_name"] for f in load.files] and len(hashes) == 2
    assert all(len(f["content_sha256"]) == 64 for f in hashes)
