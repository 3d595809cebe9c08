"""Runs one measure in this (fresh) process and prints its result as JSON on the last line.

``python -m benchmarks.worker MEASURE PARAMS_JSON [--profile FILE]``

Peak memory: after the setup the kernel's high-water mark of the resident set (``VmHWM``) is
reset (``/proc/self/clear_refs``), so the figure is the largest resident set *during* the
timed call, inputs included. Where that is not possible (not Linux) it falls back to
``getrusage(RUSAGE_SELF).ru_maxrss``, the whole process's peak.
"""

from __future__ import annotations

import gc
import json
import re
import resource
import sys
import time
from pathlib import Path

MAX_RUNS = 5
REPEAT_BUDGET_S = 2.0


def _hwm_kib() -> int | None:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    m = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(m.group(1)) if m else None


def _reset_hwm() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def main(argv: list[str]) -> int:
    name, params = argv[0], json.loads(argv[1])
    profile = argv[3] if len(argv) > 3 and argv[2] == "--profile" else None
    from .measures import MEASURES, REPEATABLE, Skip

    try:
        run = MEASURES[name](params)
    except Skip as exc:
        print(json.dumps({"measure": name, "skipped": str(exc)}))
        return 0
    gc.collect()
    reset = _reset_hwm()
    profiler = None
    if profile:
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    runs: list[float] = []
    while True:                      # quick pure measures: best of up to 5 runs within ~2 s
        start = time.perf_counter()
        note = run()
        runs.append(time.perf_counter() - start)
        if name not in REPEATABLE or len(runs) == MAX_RUNS or sum(runs) > REPEAT_BUDGET_S:
            break
    seconds = min(runs)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    peak_kib = _hwm_kib() if reset else None
    if peak_kib is None:
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    after = getattr(run, "after", None)
    if after is not None:
        after()
    print(json.dumps({"measure": name, "seconds": seconds, "peak_bytes": peak_kib * 1024,
                      "peak_scope": "step" if reset else "process", "runs": len(runs),
                      "items": getattr(run, "items", None), "note": note}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
