import pytest

from tests.harness import Build, run_build


@pytest.fixture(scope="session")
def build_landing(tmp_path_factory):
    """Build a landing folder with `wres build` into a fresh work folder; returns the Build."""

    def _build(landing, name: str = "build", run_date: str | None = None) -> Build:
        work = tmp_path_factory.mktemp(name)
        return run_build(landing, work, run_date) if run_date else run_build(landing, work)

    return _build
