"""The `wres` command's exit (orchestration/cli.py, `end_process`): the exit code, the exit handlers and the
threads are all kept, only the interpreter's teardown is skipped."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from orchestration.settings import PROJECT_ROOT


def test_the_process_ends_with_its_code_after_the_handlers_the_threads_and_the_buffered_output(tmp_path):
    written = tmp_path / "written-by-a-thread.txt"
    script = textwrap.dedent(f"""
        import atexit, threading, time
        from orchestration.cli import end_process
        atexit.register(print, "exit handler ran")
        def late_writer():
            time.sleep(0.3)
            open({str(written)!r}, "w").write("done")
        threading.Thread(target=late_writer).start()
        print("buffered output", end="")
        end_process(3)
        print("never printed")
    """)
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 3
    assert completed.stdout == "buffered outputexit handler ran\n"
    assert written.read_text() == "done"
