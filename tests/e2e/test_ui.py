"""The Dagster UI serves the whole code location: every asset (ingest, dbt models, exports) and every asset check
of `orchestration.definitions.defs` is listed by the webserver's GraphQL API.

The webserver runs as a subprocess in its own process group with its own DAGSTER_HOME and WRES_* settings (in a
temporary folder); it is stopped with SIGINT (then SIGTERM, then SIGKILL if it must) and the test checks that no
process of its group is left. Only the standard library talks to it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.definitions import defs
from tests.harness import PROJECT_ROOT, RUN_DATE

pytestmark = pytest.mark.slow

WEBSERVER = Path(sys.executable).with_name("dagster-webserver")
START_TIMEOUT_S = 240  # the webserver answers after about 8 s; the code location loads the dbt manifest
STOP_TIMEOUT_S = 30

LOCATIONS_QUERY = """
{ workspaceOrError { __typename ... on Workspace { locationEntries {
    name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }
"""
ASSETS_QUERY = """
{ assetNodes {
    assetKey { path }
    assetChecksOrError { __typename ... on AssetChecks { checks { name } } }
} }
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(base: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{base}/graphql", data=json.dumps({"query": query}).encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.load(response)
    assert "errors" not in body, body["errors"]
    return body["data"]


def server_answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/server_info", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def wait_for_location(base: str, process: subprocess.Popen, log: Path) -> None:
    """Wait until the webserver answers and its code location is loaded (fail with the log otherwise)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the webserver exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        if server_answers(base):
            entries = graphql(base, LOCATIONS_QUERY)["workspaceOrError"]["locationEntries"]
            if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                errors = [e["locationOrLoadError"] for e in entries
                          if e["locationOrLoadError"]["__typename"] == "PythonError"]
                assert not errors, errors
                return
        time.sleep(1)
    pytest.fail(f"the webserver did not load the code location in {START_TIMEOUT_S} s:\n{log.read_text()[-4000:]}")


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(process: subprocess.Popen) -> None:
    """SIGINT the webserver's process group (its code server too); escalate if it does not stop; reap."""
    pgid = process.pid  # start_new_session: the group id is the leader's pid
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        if not group_alive(pgid):
            break
        os.killpg(pgid, sig)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while time.monotonic() < deadline and group_alive(pgid):
            process.poll()  # reap the leader as soon as it exits, so that only live processes count
            time.sleep(0.2)
    process.wait(timeout=STOP_TIMEOUT_S)


def reset_sigint() -> None:
    """A subprocess started from a background job may inherit SIGINT ignored (stack notes)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(scope="module")
def webserver(tmp_path_factory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("ui")
    home = work / "dagster_home"
    home.mkdir()
    shutil.copyfile(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "WRES_LANDING_DIR": str(work / "landing"),
        "WRES_WAREHOUSE": str(work / "warehouse" / "wres.duckdb"),
        "WRES_EXPORTS_DIR": str(work / "exports"),
        "WRES_RUN_DATE": RUN_DATE,
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = work / "webserver.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [str(WEBSERVER), "-m", "orchestration.definitions", "-h", "127.0.0.1", "-p", str(port)],
            cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=reset_sigint,
        )
        try:
            wait_for_location(base, process, log)
            yield base
        finally:
            stop(process)
            assert not group_alive(process.pid), "a process of the webserver's group was left running"


def test_every_asset_and_every_check_is_in_the_ui(webserver):
    graph = defs.resolve_asset_graph()
    expected_assets = {key.to_user_string() for key in graph.get_all_asset_keys()}
    expected_checks = {f"{c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys}
    # every kind of asset is there to be compared: ingest, dbt (seeds, staging, marts) and exports
    for prefix in ("raw/", "reference/", "staging/", "marts/", "exports/"):
        assert any(key.startswith(prefix) for key in expected_assets), prefix

    nodes = graphql(webserver, ASSETS_QUERY)["assetNodes"]
    shown_assets = {"/".join(node["assetKey"]["path"]) for node in nodes}
    shown_checks = {
        f"{'/'.join(node['assetKey']['path'])}:{check['name']}"
        for node in nodes if node["assetChecksOrError"]["__typename"] == "AssetChecks"
        for check in node["assetChecksOrError"]["checks"]
    }
    assert sorted(expected_assets - shown_assets) == []
    assert sorted(expected_checks - shown_checks) == []
    assert shown_assets == expected_assets
    assert shown_checks == expected_checks
