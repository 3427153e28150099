"""The floor: DuckDB alone reading every landing CSV once (`select count(*) from read_csv(file, ...)`).

Run as `python -m bench.duckdb_floor LANDING_DIR`; prints one JSON object: rows per source and in total.
Every field is read as text with a header row, as the loader reads them; nothing is validated or stored, and a
record DuckDB cannot parse (a deliberately bad row or file of the generator) is skipped, not counted.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import duckdb


def count_rows(landing: Path, threads: int) -> dict[str, int]:
    con = duckdb.connect(config={"threads": threads})
    rows: dict[str, int] = {}
    for source in sorted(p for p in landing.iterdir() if p.is_dir()):
        total = 0
        for path in sorted(source.glob("*.csv")):
            total += con.execute(
                "select count(*) from read_csv(?, header = true, all_varchar = true, auto_detect = true, "
                "ignore_errors = true)",
                [str(path)],
            ).fetchone()[0]
        rows[source.name] = total
    con.close()
    return rows


def main() -> int:
    landing = Path(sys.argv[1])
    threads = int(os.environ.get("WRES_THREADS") or os.cpu_count() or 2)
    rows = count_rows(landing, threads)
    print(json.dumps({"rows": rows, "total_rows": sum(rows.values())}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
