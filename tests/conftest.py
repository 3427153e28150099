import pytest

from tests.harness import ACCEPTANCE_KIT, Build, run_build


@pytest.fixture(scope="session")
def build_landing(tmp_path_factory):
    """Build a landing folder with `wres build` into a fresh work folder; returns the Build."""

    def _build(landing, name: str = "build", run_date: str | None = None) -> Build:
        work = tmp_path_factory.mktemp(name)
        return run_build(landing, work, run_date) if run_date else run_build(landing, work)

    return _build


@pytest.fixture(scope="session")
def acceptance_build(build_landing) -> Build:
    """One build of the acceptance landing folder, shared by every test that reads its exports (read only)."""
    if not (ACCEPTANCE_KIT / "landing").is_dir():
        pytest.skip(f"the acceptance kit is not at {ACCEPTANCE_KIT}")
    build = build_landing(ACCEPTANCE_KIT / "landing", "acceptance")
    assert build.returncode == 0, build.output[-4000:]
    return build
