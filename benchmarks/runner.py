"""``python -m benchmarks``: generate (or reuse) the scale data, run every step in a fresh
process next to its reference, print one line per step as it ends, then the summary table.

Ratios are step time / reference time, both measured in this run on this machine. The
openpyxl reference is measured on a slice of the export (its first customers, about 100 000
items) and scaled linearly to the full export's row count: openpyxl alone needs minutes for
the full file, and its time grows linearly with the rows it parses.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import data

GIB = 1 << 30


@dataclass(frozen=True)
class Goal:
    """``ratio`` ≤ ``limit`` (``kind="ratio"``), ``seconds`` ≤ ``limit`` (``"seconds"``) or
    peak bytes ≤ ``limit`` (``"memory"``)."""

    kind: str
    limit: float
    text: str

    def met(self, value: float) -> bool:
        return value <= self.limit


@dataclass(frozen=True)
class Step:
    key: str                        # --only name
    label: str
    measure: str
    references: tuple[tuple[str, str, Goal | None], ...] = ()   # (measure, label, goal)
    goal: Goal | None = None        # on the step's own time
    needs: tuple[str, ...] = ()     # steps whose output it uses (run before it)
    million: bool = True            # part of the 1M-item pipeline (memory goal)


FASTER_5 = Goal("ratio", 0.2, "≥ 5× plus rapide")
STEPS = (
    Step("read", "lecture de l'export (read_open_items)", "read_open_items", (
        ("raw_calamine", "python-calamine brut (to_python)", Goal("ratio", 1.2, "≤ 1,2×")),
        ("raw_fastexcel", "fastexcel brut (Arrow)", Goal("ratio", 1.3, "≤ 1,3×")),
        ("pandas_openpyxl", "pandas + openpyxl (extrapolé)", FASTER_5),
    )),
    Step("fec", "lecture d'un FEC et pièces ouvertes à l'arrêté (load_fec + open_items)", "read_fec",
         (("raw_fec_pyarrow", "pandas.read_csv(engine=\"pyarrow\") brut", Goal("ratio", 1.5, "≤ 1,5×")),),
         million=False),
    Step("aged", "balance âgée par client", "aged_balance",
         (("aged_balance_duckdb", "la même en une requête DuckDB", Goal("ratio", 1.0, "≤ 1,0×")),)),
    Step("euros", "balance âgée par client en euros exacts (ra.aged_balance, conversions comprises)",
         "aged_balance_euros", (("aged_balance", "la même en centimes (canonical)", Goal("ratio", 2.0, "≤ 2×")),)),
    Step("euro_sums", "sommes par client en euros décimaux (decimal128)", "euro_sums",
         (("cent_sums", "les mêmes en centimes entiers (int64)", None),)),
    Step("attach", "rattachement des clients (attach_customers, load_context)", "attach_customers"),
    Step("drift", "glissement (semaine précédente → as-of)", "drift", goal=Goal("seconds", 1.0, "≤ 1 s")),
    Step("provisions", "provisions (échéancier + totaux par client)", "provisions"),
    Step("call_list", "liste d'appels (call_list)", "call_list", goal=Goal("seconds", 5.0, "≤ 5 s")),
    Step("write_call_list", "écriture du classeur de la liste d'appels", "write_call_list", needs=("call_list",),
         goal=Goal("seconds", 4.0, "≤ 4 s")),
    Step("pipeline", "pipeline entier, de l'export au classeur (lecture, rattachement, balance âgée, glissement, "
         "provisions, liste d'appels, classeur)", "pipeline",
         (("raw_calamine", "python-calamine brut (to_python)", Goal("ratio", 3.0, "≤ 3×")),)),
    Step("trend", "tendance de l'historique (bucket_trend)", "bucket_trend", million=False),
    Step("forecast", "habitudes de paiement + prévision d'encaissements à 13 semaines sur l'historique "
         "(payments_from_snapshots, payment_behaviour, cash_forecast)", "forecast",
         goal=Goal("seconds", 5.0, "≤ 5 s"), million=False),
    Step("weekly", "run hebdomadaire sur l'échantillon", "weekly_run", goal=Goal("seconds", 10.0, "≤ 10 s"),
         million=False),
)
MEMORY_GOAL = Goal("memory", 2 * GIB, "≤ 2 Go")


@dataclass(frozen=True)
class Sizes:
    items: int
    slice_items: int
    weeks: int
    week_items: int
    quick: bool
    fec_lines: int = 1_000_000


FULL = Sizes(1_000_000, 100_000, 100, 100_000, False)
QUICK = Sizes(20_000, 5_000, 10, 10_000, True, 200_000)


# ---------------------------------------------------------------------------------------------
# formatting
# ---------------------------------------------------------------------------------------------
def n(value: int | float) -> str:
    """12345 → ``12 345`` (French thousands separator)."""
    return f"{value:,.0f}".replace(",", "\u202f")


def fmt_seconds(s: float | None) -> str:
    if s is None:
        return "—"
    return f"{s:.2f} s" if s < 10 else f"{s:.1f} s" if s < 100 else f"{s / 60:.1f} min"


def fmt_bytes(b: float | None) -> str:
    return "—" if b is None else f"{n(b / (1 << 20))} Mo"


def fmt_ratio(r: float | None) -> str:
    if r is None:
        return "—"
    if r < 1:
        return f"{r:.2f}× ({1 / r:.0f}× plus rapide)" if r < 0.5 else f"{r:.2f}×"
    return f"{r:.2f}×"


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [line, "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |", line.replace("-", "=")]
    out += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join([*out, line])


# ---------------------------------------------------------------------------------------------
# running
# ---------------------------------------------------------------------------------------------
def run_measure(name: str, params: dict, profile_dir: Path | None, timeout: float) -> dict:
    """One measure in a fresh Python process (its imports and memory its own), stopped after
    ``timeout`` seconds (setup included)."""
    cmd = [sys.executable, "-m", "benchmarks.worker", name, json.dumps(params)]
    if profile_dir is not None:
        cmd += ["--profile", str(profile_dir / f"{name}.prof")]
    with subprocess.Popen(cmd, cwd=data.REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            peak = _peak_so_far(proc.pid)       # the worker's high-water mark, before it is stopped
            proc.kill()
            proc.communicate()
            return {"measure": name, "timeout": timeout, "peak_bytes_so_far": peak}
    if proc.returncode != 0:
        tail = (stderr or stdout).strip().splitlines()[-12:]
        return {"measure": name, "error": "\n".join(tail)}
    return json.loads(stdout.strip().splitlines()[-1])


def _peak_so_far(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    keys = [s.key for s in STEPS]
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help=f"small sizes for a smoke check ({QUICK.items} pièces, historique "
                        f"{QUICK.weeks}×{QUICK.week_items}, run hebdomadaire réduit au 1er notebook, sans aperçu)")
    p.add_argument("--only", action="append", choices=keys, metavar="STEP",
                   help=f"run only this step (repeatable): {', '.join(keys)}")
    p.add_argument("--items", type=int, help="open items of the big export (default 1 000 000, ≤ Excel's rows)")
    p.add_argument("--slice-items", type=int, help="items of the openpyxl slice (default 100 000)")
    p.add_argument("--history", metavar="WEEKSxITEMS", help="snapshot history (default 100x100000)")
    p.add_argument("--data-dir", type=Path, default=data.DEFAULT_DATA_DIR,
                   help="where generated data is cached (default benchmarks/data/)")
    p.add_argument("--profile", type=Path, metavar="DIR", help="also write a cProfile file per measure in DIR")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    p.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS",
                   help="stop a measure after this long and report it interrupted (default 300)")
    p.add_argument("--explain", action=argparse.BooleanOptionalAction, default=None,
                   help="after the table, profile each step whose goal is missed and print where its time goes "
                        "(default: on, off with --quick)")
    return p.parse_args(argv)


def sizes_of(args: argparse.Namespace) -> Sizes:
    base = QUICK if args.quick else FULL
    weeks, week_items = base.weeks, base.week_items
    if args.history:
        weeks, week_items = (int(x) for x in args.history.lower().split("x"))
    return Sizes(args.items or base.items, args.slice_items or base.slice_items, weeks, week_items, base.quick,
                 base.fec_lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = sizes_of(args)
    wanted = set(args.only or [s.key for s in STEPS])
    for step in STEPS:             # a step's inputs come from the steps it needs
        if step.key in wanted:
            wanted |= set(step.needs)
    steps = [s for s in STEPS if s.key in wanted]
    started = time.perf_counter()
    print(f"Benchmarks relance_analytics — {os.cpu_count()} cœurs, Python {sys.version.split()[0]}"
          + (" — mode rapide (--quick)" if sizes.quick else ""), flush=True)

    scale = history = None
    if any(s.million for s in steps):
        scale = data.scale_set(args.data_dir, sizes.items, sizes.slice_items, log=lambda m: print(m, flush=True))
        print(f"  export : {n(scale.items)} pièces, {n(scale.workbook_rows)} lignes Excel ({scale.copies} copies de "
              f"l'échantillon), {scale.export.stat().st_size / 1e6:.0f} Mo — {scale.export}", flush=True)
    if any(s.key in ("trend", "forecast") for s in steps):
        history = data.history_store(args.data_dir, sizes.weeks, sizes.week_items, log=lambda m: print(m, flush=True))
        print(f"  historique : {sizes.weeks} instantanés × ~{n(sizes.week_items)} pièces — {history}", flush=True)
    fec = None
    if any(s.key == "fec" for s in steps):
        fec = data.fec_file(args.data_dir, sizes.fec_lines, log=lambda m: print(m, flush=True))
        print(f"  FEC : {fec.stat().st_size / 1e6:.0f} Mo — {fec}", flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="relance-bench-"))
    params = {"set": str(scale.folder) if scale else None, "history": str(history) if history else None,
              "fec": str(fec) if fec else None, "scratch": str(scratch), "quick": sizes.quick}
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)

    results: dict[str, dict] = {}
    rows: list[list[str]] = []
    summary: list[dict] = []
    try:
        for step in steps:
            res = results[step.measure] = run_measure(step.measure, params, args.profile, args.timeout)
            # a reference already measured in this run (raw_calamine for the read and the pipeline) is reused
            refs = [(m, label, goal, results[m] if m in results else run_measure(m, params, args.profile,
                                                                                 args.timeout))
                    for m, label, goal in step.references]
            for m, _, _, ref in refs:
                results[m] = ref
            print(f"- {step.label} : " + _line(res)
                  + "".join(f" | {label} : {_line(ref)}" for _, label, _, ref in refs), flush=True)
            rows += _rows(step, res, refs, scale, summary)

        memory = _memory_row(steps, results, scale)
        if memory is not None:
            row, entry = memory
            rows.append(row)
            summary.append(entry)

        header = ["étape", "temps", "pic mémoire", "référence", "temps réf.", "ratio", "objectif", "résultat"]
        print()
        print(table(rows, header))
        print(f"Ratio = temps de l'étape / temps de la référence, mesurés dans ce run ; pic mémoire = RSS maximal du "
              f"processus pendant l'étape (données d'entrée comprises). "
              f"Durée totale : {fmt_seconds(time.perf_counter() - started)}.")
        if scale is not None and any(s.key == "read" for s in steps):
            print(f"openpyxl mesuré sur un extrait de {n(scale.slice_items)} pièces ({n(scale.slice_rows)} lignes) "
                  f"puis extrapolé linéairement aux {n(scale.workbook_rows)} lignes de l'export complet.")
        explain = not sizes.quick if args.explain is None else args.explain
        if explain:
            explain_missed(steps, summary, params, args.profile, args.timeout, results)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps({"sizes": sizes.__dict__, "results": results, "summary": summary}, indent=2))
    failed = [r for r in results.values() if "error" in r]
    for r in failed:
        print(f"\nÉCHEC de {r['measure']} :\n{r['error']}", file=sys.stderr)
    return 1 if failed else 0


def explain_missed(steps: list[Step], summary: list[dict], params: dict, profile_dir: Path | None,
                   timeout: float, results: dict[str, dict]) -> None:
    """For each step whose goal is missed: its cProfile (the one of ``--profile``, else a new run
    of the step under the profiler), the functions taking the most time; for the weekly run,
    whose work is done in the notebooks' kernels (the profile only sees the wait), the time of
    each notebook."""
    missed = [s for s in steps if any(e.get("step") == s.key and e.get("met") is False for e in summary)]
    if not missed:
        return
    print("\nOù va le temps des objectifs manqués (cProfile ; « propre » = temps dans la fonction elle-même, "
          "« cumulé » = appels compris ; le profileur ralentit le code Python) :")
    folder = profile_dir or Path(params["scratch"]) / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    for step in missed:
        if step.key == "weekly":
            print(f"\n— {step.label} : le travail se fait dans les noyaux des notebooks, autant à la fois que "
                  f"de cœurs (au plus 4) ; temps de chacun : {results.get(step.measure, {}).get('note') or '—'}")
            continue
        prof = folder / f"{step.measure}.prof"
        if not prof.is_file():
            res = run_measure(step.measure, params, folder, timeout)
            if not prof.is_file():
                print(f"\n— {step.label} : profil indisponible ({_line(res)})")
                continue
        print(f"\n— {step.label} :")
        print(profile_text(prof))


def profile_text(path: Path, top: int = 12) -> str:
    """The ``top`` functions by own time and the project's ``top`` functions by cumulated time."""
    import pstats
    stats = pstats.Stats(str(path)).stats            # {(file, line, name): (cc, nc, tottime, cumtime, callers)}
    total = max((v[3] for v in stats.values()), default=0.0) or 1.0

    def where(key: tuple[str, int, str]) -> str:
        file, line, name = key
        short = file
        for marker in ("relance_analytics/", "site-packages/", "benchmarks/"):
            if marker in file:
                short = file[file.index(marker):].replace("site-packages/", "")
                break
        return f"{short}:{line} {name}" if line else name

    def lines(keys: list, title: str) -> list[str]:
        out = [f"  {title}"]
        for k in keys:
            cc, nc, own, cum, _ = stats[k]
            out.append(f"    {own:7.2f} s propre {cum:7.2f} s cumulé ({100 * cum / total:3.0f} %) "
                       f"{nc:>9} appels  {where(k)}")
        return out

    by_own = sorted(stats, key=lambda k: stats[k][2], reverse=True)[:top]
    ours = [k for k in stats if "relance_analytics/" in k[0]]
    by_cum = sorted(ours, key=lambda k: stats[k][3], reverse=True)[:top]
    return "\n".join([*lines(by_own, "par temps propre :"), *lines(by_cum, "fonctions du projet par temps cumulé :")])


def _memory_row(steps: list[Step], results: dict[str, dict],
                scale: data.ScaleSet | None) -> tuple[list[str], dict] | None:
    """The 1M-item pipeline's peak memory: the largest peak of its steps (each step's process
    holds what that step needs, as each notebook's kernel does in the weekly run)."""
    peaks = {s.key: results[s.measure].get("peak_bytes") or results[s.measure].get("peak_bytes_so_far")
             for s in steps if s.million}
    peaks = {k: v for k, v in peaks.items() if v}
    if not peaks:
        return None
    worst = max(peaks, key=peaks.get)
    peak = peaks[worst]
    interrupted = "peak_bytes_so_far" in results[next(s.measure for s in steps if s.key == worst)]
    unfinished = [s.key for s in steps if s.million and not _ok(results[s.measure])]
    ok: bool | None = MEMORY_GOAL.met(peak)
    if ok and unfinished:
        ok = None                 # a step that did not finish may have needed more
    what = f"{n(scale.items)} pièces" if scale else ""
    row = [f"pic mémoire du pipeline ({what})", "—", ("≥ " if interrupted else "") + fmt_bytes(peak),
           f"max des étapes ({worst})" + (f" ; non terminées : {', '.join(unfinished)}" if unfinished else ""),
           "—", "—", MEMORY_GOAL.text, "indéterminé" if ok is None else "atteint" if ok else "MANQUÉ"]
    return row, {"step": "pipeline_memory", "peak_bytes": peak, "goal": MEMORY_GOAL.text, "met": ok,
                 "unfinished": unfinished}


def _ok(res: dict) -> bool:
    return "seconds" in res


def _line(res: dict) -> str:
    if "timeout" in res:
        peak = res.get("peak_bytes_so_far")
        return f"INTERROMPU après {fmt_seconds(res['timeout'])}" + ("" if peak is None else f", ≥ {fmt_bytes(peak)}")
    if "skipped" in res:
        return f"non mesuré ({res['skipped']})"
    if "error" in res:
        return "ÉCHEC"
    return (f"{fmt_seconds(res['seconds'])}, {fmt_bytes(res['peak_bytes'])}"
            + (f" ({res['note']})" if res.get("note") else ""))


def _rows(step: Step, res: dict, refs: list, scale: data.ScaleSet | None, summary: list[dict]) -> list[list[str]]:
    size = ""
    if step.million and scale is not None:
        items = res.get("items") or scale.items
        size = f" — {items / 1e6:.2f} M pièces" if items >= 100_000 else f" — {n(items)} pièces"
        if res.get("items"):
            size += " (extrait)"
    label = step.label + size
    goal_text = step.goal.text if step.goal else "—"
    if "timeout" in res:
        summary.append({"step": step.key, "timeout": res["timeout"], "peak_bytes_so_far": res["peak_bytes_so_far"]})
        peak = res.get("peak_bytes_so_far")
        return [[label, f"> {fmt_seconds(res['timeout'])}", "—" if peak is None else f"≥ {fmt_bytes(peak)}",
                 "—", "—", "—", goal_text, "INTERROMPU"]]
    if "skipped" in res:
        summary.append({"step": step.key, "skipped": res["skipped"]})
        return [[label, "non mesuré", "—", res["skipped"], "—", "—", goal_text, "—"]]
    if "error" in res:
        summary.append({"step": step.key, "error": res["error"]})
        return [[label, "ÉCHEC", "—", "—", "—", "—", goal_text, "—"]]
    t, mem = fmt_seconds(res["seconds"]), fmt_bytes(res["peak_bytes"])
    if not refs:
        verdict = "—"
        if step.goal is not None:
            verdict = "atteint" if step.goal.met(res["seconds"]) else "MANQUÉ"
        summary.append({"step": step.key, "seconds": res["seconds"], "peak_bytes": res["peak_bytes"],
                        "goal": step.goal.text if step.goal else None,
                        "met": None if step.goal is None else verdict == "atteint"})
        return [[label, t, mem, "—", "—", "—", step.goal.text if step.goal else "—", verdict]]
    rows = []
    for measure, ref_label, goal, ref in refs:
        if not _ok(ref):
            state = "ÉCHEC" if "error" in ref else "non mesuré" if "skipped" in ref else "INTERROMPU"
            rows.append([label, t, mem, ref_label, state, "—", goal.text if goal else "—", "—"])
            label, t, mem = "  (même étape)", "", ""
            continue
        ref_s = ref["seconds"]
        if measure == "pandas_openpyxl" and scale is not None:
            ref_s *= scale.workbook_rows / scale.slice_rows
        ratio = res["seconds"] / ref_s
        ok = goal.met(ratio) if goal else None
        summary.append({"step": step.key, "reference": measure, "seconds": res["seconds"], "reference_seconds": ref_s,
                        "ratio": ratio, "peak_bytes": res["peak_bytes"], "goal": goal.text if goal else None,
                        "met": ok})
        rows.append([label, t, mem, ref_label, fmt_seconds(ref_s), fmt_ratio(ratio), goal.text if goal else "—",
                     "—" if ok is None else "atteint" if ok else "MANQUÉ"])
        label, t, mem = "  (même étape)", "", ""
    return rows
