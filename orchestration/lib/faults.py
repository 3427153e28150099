"""Named fault points, for the tests that kill a run at its worst moments.

`fault_point(name)` does nothing unless the environment variable `WRES_FAULT_AT` equals `name`; then it kills
the process at once (SIGKILL: no cleanup, no `finally`, exactly like a crash or an out-of-memory kill). The
points are where a crash could do damage: inside a source's load transaction (`load:before_commit`), and
between writing an export's temporary file and renaming it (`publish:before_rename:<file name>`).
"""

from __future__ import annotations

import os
import signal

LOAD_BEFORE_COMMIT = "load:before_commit"
PUBLISH_BEFORE_RENAME = "publish:before_rename"


def fault_point(name: str) -> None:
    if os.environ.get("WRES_FAULT_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
