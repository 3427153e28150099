"""The dbt unit tests of the rules (models/intermediate/_intermediate__unit_tests.yml and
models/marts/wres/_wres__unit_tests.yml) must pass.

dbt unit tests read the column types of their input relations from the target database, so they run against a
built warehouse: the one tests/rules/test_indicator_rules.py builds from its hand-made landing folder (built once
per session, shared when both modules run together). dbt writes its artifacts and logs into a temporary folder,
never into dbt_project/target, which the pipeline's own runs read.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness import PROJECT_ROOT, build_env
from tests.rules.test_indicator_rules import rules_build

pytestmark = pytest.mark.slow

DBT = Path(sys.executable).with_name("dbt")
UNIT_TEST_FILES = [
    PROJECT_ROOT / "models" / "intermediate" / "_intermediate__unit_tests.yml",
    PROJECT_ROOT / "models" / "marts" / "wres" / "_wres__unit_tests.yml",
]


@pytest.fixture(scope="module")
def unit_test_run(build_landing, tmp_path_factory) -> tuple[subprocess.CompletedProcess, str]:
    landing, build = rules_build(build_landing, tmp_path_factory)
    assert build.warehouse.exists(), f"the build wrote no warehouse:\n{build.output[-4000:]}"
    work = build.warehouse.parent.parent
    artifacts = tmp_path_factory.mktemp("dbt_unit_tests")
    env = build_env(landing, work)
    completed = subprocess.run(
        [str(DBT), "test", "--select", "test_type:unit",
         "--project-dir", "dbt_project", "--profiles-dir", "dbt_project",
         "--target-path", str(artifacts / "target"), "--log-path", str(artifacts / "logs")],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False,
    )
    context = "" if build.returncode == 0 else f"\n(the build itself failed:)\n{build.output[-3000:]}"
    return completed, context


def test_unit_test_files_exist():
    for path in UNIT_TEST_FILES:
        assert path.is_file(), path


def test_dbt_unit_tests_pass(unit_test_run):
    completed, context = unit_test_run
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-12000:] + context
    assert "ERROR=0" in output and "PASS=0" not in output, output[-4000:]


def test_every_rule_file_contributes(unit_test_run):
    """Both files are picked up: the run names unit tests of intermediate models and of marts."""
    completed, _ = unit_test_run
    output = completed.stdout
    for model in ["int_workforce_people_by_snapshot", "int_wres_event_people", "int_wres_workforce_population",
                  "int_staff_survey_indicator_responses", "int_board_members_on_snapshot",
                  "fct_wres_workforce_by_band", "fct_wres_disciplinary", "rpt_wres_headline"]:
        assert f"{model}::" in output, f"no unit test of {model} ran:\n{output[-3000:]}"
