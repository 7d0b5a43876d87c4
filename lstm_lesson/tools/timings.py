"""How long each lesson takes: every cell executed once with nbclient, each call timed.

    python -m lstm_lesson.tools.timings                 # all lessons -> build/timings.json + a table
    python -m lstm_lesson.tools.timings 01 02 --out t.json

The teacher's guide turns these seconds into minutes for a class (``lstm_lesson.tools.guide``):
execution time plus reading time plus time for the exercises. Timings depend on the machine and
on what else runs on it; the file records the machine (CPU count, platform) next to the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from . import editions, guide


def time_cells(notebook: Path, *, timeout: int = 600) -> list[dict]:
    """Execute ``notebook`` cell by cell in a fresh kernel; returns one row per code cell.

    Each row: {"index": cell index, "seconds": wall time of that cell, "first_line": its first line}.
    The kernel starts in the notebook's folder, like JupyterLab's.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(notebook).parent)}})
    rows = []
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            start = time.perf_counter()
            client.execute_cell(cell, index)
            first = next((line for line in cell.source.splitlines() if line.strip()), "")
            rows.append({"index": index, "seconds": round(time.perf_counter() - start, 3), "first_line": first[:80]})
    return rows


def measure(lessons: list[Path], *, log=print) -> dict:
    """{"machine": {...}, "lessons": {name: {"cells": rows, "total_seconds": s}}} for the given notebooks."""
    result = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                          "python": platform.python_version(), "measured": time.strftime("%Y-%m-%d %H:%M UTC",
                                                                                          time.gmtime())},
              "lessons": {}}
    for path in lessons:
        rows = time_cells(path)
        total = round(sum(r["seconds"] for r in rows), 1)
        slowest = max(rows, key=lambda r: r["seconds"]) if rows else {"seconds": 0, "index": -1}
        nb = editions.read(path)
        result["lessons"][path.stem] = {"cells": rows, "total_seconds": total, "words": guide.markdown_words(nb),
                                        "exercises": len(editions.exercises(nb))}
        log(f"{path.stem}: {total:.1f} s over {len(rows)} code cells (slowest: cell {slowest['index']}, "
            f"{slowest['seconds']:.1f} s)")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lstm-lesson timings", description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", metavar="NN", help="lesson numbers (default: all)")
    parser.add_argument("--out", type=Path, default=Path("build/timings.json"), help="where the JSON goes")
    args = parser.parse_args(argv)
    try:
        paths = editions.select_lessons(args.lessons)
    except ValueError as err:
        parser.error(str(err))
    result = measure(paths)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
