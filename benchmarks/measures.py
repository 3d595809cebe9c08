"""What is timed. Each measure is a function ``setup(params) -> run`` executed in a worker process
of its own (see :mod:`benchmarks.worker`): ``setup`` loads the inputs (not timed), ``run`` is the
timed call and returns a short note (or ``None``).

``params`` (JSON): ``set`` (the :class:`~benchmarks.data.ScaleSet` folder), ``history`` (the
store's workspace), ``scratch`` (a folder for files passed between measures), ``quick``.
"""

from __future__ import annotations

import pickle
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .data import AS_OF, PREVIOUS, SAMPLE_DIR, ScaleSet
from .runner import n

Run = Callable[[], "str | None"]
MEASURES: dict[str, Callable[[dict], Run]] = {}
REPEATABLE: set[str] = set()


class Skip(Exception):
    """Raised by a setup that cannot run here (a reference library not installed)."""


def measure(fn: Callable[[dict], Run]) -> Callable[[dict], Run]:
    MEASURES[fn.__name__] = fn
    return fn


def repeatable(fn: Callable[[dict], Run]) -> Callable[[dict], Run]:
    """A measure without side effects: when quick, it is repeated and the best time kept."""
    REPEATABLE.add(fn.__name__)
    return fn


def _set(params: dict) -> ScaleSet:
    return ScaleSet.load(Path(params["set"]))


def _items(s: ScaleSet) -> pd.DataFrame:
    """The current snapshot with its customers attached (what load_context gives a notebook)."""
    from relance_analytics import canonical as rc
    return rc.attach_customers(s.frame("current"), s.frame("customers"))


# ---------------------------------------------------------------------------------------------
# reading the export
# ---------------------------------------------------------------------------------------------
@measure
@repeatable
def read_open_items(params: dict) -> Run:
    from relance_analytics.canonical import read_open_items as read
    s = _set(params)

    def run() -> str:
        items = read(s.export)
        return f"{n(len(items))} pièces"
    return run


@measure
@repeatable
def raw_calamine(params: dict) -> Run:
    import python_calamine
    s = _set(params)

    def run() -> str:
        book = python_calamine.CalamineWorkbook.from_path(str(s.export))
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        return f"{n(len(rows))} lignes"
    return run


@measure
@repeatable
def raw_fastexcel(params: dict) -> Run:
    try:
        import fastexcel
    except ImportError:
        raise Skip("fastexcel non installé") from None
    s = _set(params)

    def run() -> str:
        table = fastexcel.read_excel(str(s.export)).load_sheet(0, header_row=None).to_arrow()
        return f"{n(table.num_rows)} lignes"
    return run


@measure
@repeatable
def pandas_openpyxl(params: dict) -> Run:
    """pandas + openpyxl on the slice file (openpyxl needs minutes for the full file)."""
    s = _set(params)

    def run() -> str:
        frame = pd.read_excel(s.slice_export, engine="openpyxl", header=None)
        return f"{n(len(frame))} lignes"
    return run


@measure
@repeatable
def read_fec(params: dict) -> Run:
    """The FEC read, checked, and the open items rebuilt at the as-of date."""
    from relance_analytics.io.fec import load_fec
    path = Path(params["fec"])

    def run() -> str:
        ledger = load_fec(path)
        items = ledger.open_items(AS_OF)
        return f"{n(len(ledger.lines))} lignes clients, {n(len(items))} pièces ouvertes"
    return run


@measure
@repeatable
def raw_fec_pyarrow(params: dict) -> Run:
    path = Path(params["fec"])

    def run() -> str:
        frame = pd.read_csv(path, sep="\t", dtype=str, engine="pyarrow")
        return f"{n(len(frame))} lignes"
    return run


# ---------------------------------------------------------------------------------------------
# computing on 1M items
# ---------------------------------------------------------------------------------------------
@measure
@repeatable
def aged_balance(params: dict) -> Run:
    from relance_analytics import canonical as rc
    items = _set(params).frame("current")

    def run() -> str:
        table = rc.aged_balance(items, AS_OF, by="customer")
        return f"{n(len(table))} clients"
    return run


@measure
@repeatable
def aged_balance_euros(params: dict) -> Run:
    """The public face: items converted to exact euros, the aged balance in euros."""
    import relance_analytics as ra
    items = ra.to_euros(_set(params).frame("current"))

    def run() -> str:
        table = ra.aged_balance(items, AS_OF, by="customer")
        return f"{n(len(table))} clients, total {table['total'].sum()} €"
    return run


@measure
@repeatable
def euro_sums(params: dict) -> Run:
    """1M amounts summed by customer in exact euros (decimal128(18, 2))."""
    import relance_analytics as ra
    items = _set(params).frame("current")
    amounts = ra.to_euros(items[["customer_id", "amount_cents"]])

    def run() -> str:
        sums = amounts.groupby("customer_id", observed=True)["amount_eur"].sum()
        return f"{n(len(amounts))} montants, {n(len(sums))} clients"
    return run


@measure
@repeatable
def cent_sums(params: dict) -> Run:
    """The same sums in integer cents (int64)."""
    items = _set(params).frame("current")[["customer_id", "amount_cents"]]

    def run() -> str:
        sums = items.groupby("customer_id", observed=True)["amount_cents"].sum()
        return f"{n(len(items))} montants, {n(len(sums))} clients"
    return run


AGED_SQL = """
SELECT customer_id, customer_name,
  {columns},
  CAST(SUM(amount_cents) AS BIGINT) AS total,
  CAST(COALESCE(SUM(amount_cents) FILTER (WHERE bucket >= 1), 0) AS BIGINT) AS overdue,
  COUNT(*) AS items,
  CASE WHEN SUM(amount_cents) <> 0
       THEN SUM(amount_cents) FILTER (WHERE bucket >= 1) / SUM(amount_cents) END AS overdue_share
FROM (SELECT CAST(customer_id AS VARCHAR) AS customer_id, customer_name, amount_cents,
             {case} AS bucket
      FROM items)
GROUP BY customer_id, customer_name
ORDER BY total DESC
"""


def aged_sql() -> str:
    """The aged balance by customer as one DuckDB query (buckets of ``Buckets()``)."""
    from relance_analytics.config import Buckets
    from relance_analytics.metrics.history import _bucket_case
    buckets = Buckets()
    columns = ",\n  ".join(
        f'CAST(COALESCE(SUM(amount_cents) FILTER (WHERE bucket = {i}), 0) AS BIGINT) AS "{lab}"'
        for i, lab in enumerate(buckets.labels))
    days = f"(DATE '{AS_OF:%Y-%m-%d}' - CAST(due_date AS DATE))"
    return AGED_SQL.format(columns=columns, case=_bucket_case(buckets, days))


@measure
@repeatable
def aged_balance_duckdb(params: dict) -> Run:
    import duckdb
    items = _set(params).frame("current")
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.register("items", items)
    sql = aged_sql()

    def run() -> str:
        table = con.execute(sql).fetchdf()
        threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
        return f"{n(len(table))} clients, {threads} threads DuckDB"
    return run


@measure
@repeatable
def drift(params: dict) -> Run:
    from relance_analytics import canonical as rc
    s = _set(params)
    previous, current = s.frame("previous"), s.frame("current")

    def run() -> str:
        d = rc.drift(previous, current, PREVIOUS, AS_OF)
        return f"{n(len(d.movements))} mouvements"
    return run


@measure
@repeatable
def attach_customers(params: dict) -> Run:
    """What every notebook's load_context does to the snapshot."""
    from relance_analytics import canonical as rc
    s = _set(params)
    items, customers = s.frame("current"), s.frame("customers")

    def run() -> str:
        attached = rc.attach_customers(items, customers)
        return f"{n(int(attached['known_customer'].sum()))} pièces rattachées"
    return run


@measure
@repeatable
def provisions(params: dict) -> Run:
    """As the provisions notebook: items with their customers attached (by load_context)."""
    from relance_analytics import canonical as rc
    items = _items(_set(params))

    def run() -> str:
        schedule = rc.provisions(items, AS_OF)
        totals = rc.provision_totals(schedule, "customer")
        return f"{n(len(schedule))} lignes, {n(len(totals))} clients"
    return run


def _call_list_inputs(s: ScaleSet, items: int | None = None) -> dict:
    """What call_list needs, for the whole set or its first ``items`` items (whole copies)."""
    current = _items(s)
    customers, contacts = s.frame("customers"), s.frame("contacts")
    actions, disputes = s.frame("actions"), s.frame("disputes")
    if items is not None:
        current = current.iloc[:items]
        ids = set(current["customer_id"].astype(str))
        customers, contacts, actions, disputes = (
            frame[frame["customer_id"].astype(str).isin(ids).to_numpy()].reset_index(drop=True)
            for frame in (customers, contacts, actions, disputes))
    return {"items": current, "customers": customers, "contacts": contacts, "actions": actions,
            "disputes": disputes}


def _build_call_list(inputs: dict):
    from relance_analytics.calllist import CallListParams
    from relance_analytics.calllist import call_list as build
    from relance_analytics.config import Settings
    params = CallListParams.from_settings(Settings.load(SAMPLE_DIR / "relance.toml"))
    return build(inputs["items"], inputs["customers"], inputs["actions"], inputs["disputes"], AS_OF,
                 params=params, contacts=inputs["contacts"])


@measure
def call_list(params: dict) -> Run:
    inputs = _call_list_inputs(_set(params))
    out = Path(params["scratch"]) / "call_list.pickle"

    def run() -> str:
        cl = _build_call_list(inputs)
        run.result = cl                                  # saved after the timing, for write_call_list
        side = len(cl.formal_notices) + len(cl.litigation) + len(cl.claims) + len(cl.disputes)
        return f"{n(len(cl.rows))} à appeler, {n(len(cl.deferred))} reportées, {n(side)} sur les listes annexes"

    def after() -> None:
        out.write_bytes(pickle.dumps(run.result, protocol=pickle.HIGHEST_PROTOCOL))
    run.after = after
    return run


@measure
def write_call_list(params: dict) -> Run:
    """The call list of the call_list step; when that step did not finish, the call list of the
    openpyxl slice (its first customers), said in the note."""
    from relance_analytics.calllist import write_call_list as write
    source = Path(params["scratch"]) / "call_list.pickle"
    if source.is_file():
        cl, origin, items = pickle.loads(source.read_bytes()), "", None
    else:
        s = _set(params)
        cl, items = _build_call_list(_call_list_inputs(s, s.slice_items)), s.slice_items
        origin = " ; liste de l'extrait, la liste complète n'ayant pas abouti"
    target = Path(params["scratch"]) / "call_list.xlsx"

    def run() -> str:
        write(target, cl)
        rows = len(cl.rows) + len(cl.deferred) + len(cl.disputes) + len(cl.formal_notices) + len(cl.litigation) \
            + len(cl.claims)
        return f"{n(rows)} lignes, {target.stat().st_size / 1e6:.1f} Mo{origin}"
    run.items = items                   # the items the call list was built from, when not the whole set
    return run


@measure
def pipeline(params: dict) -> Run:
    """The whole 1M pipeline in one process, from the export to the call-list workbook: read,
    customers attached, aged balance, drift against the previous snapshot, provisions, call list
    and its workbook. The previous snapshot and the reference files are loaded beforehand (they
    come from the store and small files)."""
    from relance_analytics import canonical as rc
    from relance_analytics.calllist import write_call_list as write
    s = _set(params)
    previous, customers = s.frame("previous"), s.frame("customers")
    others = {name: s.frame(name) for name in ("contacts", "actions", "disputes")}
    target = Path(params["scratch"]) / "pipeline_call_list.xlsx"

    def run() -> str:
        parts: list[tuple[str, float]] = []
        clock = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            parts.append((name, now - clock))
            clock = now

        items = rc.read_open_items(s.export)
        lap("lecture")
        items = rc.attach_customers(items, customers)       # (as load_context: one frame kept, attached)
        lap("rattachement")
        rc.aged_balance(items, AS_OF, by="customer")
        lap("balance âgée")
        rc.drift(previous, items, PREVIOUS, AS_OF)
        lap("glissement")
        rc.provision_totals(rc.provisions(items, AS_OF), "customer")
        lap("provisions")
        cl = _build_call_list({"items": items, "customers": customers, **others})
        lap("liste d'appels")
        write(target, cl)
        lap("classeur")
        return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in parts)
    return run


# ---------------------------------------------------------------------------------------------
# the history and the weekly run
# ---------------------------------------------------------------------------------------------
@measure
@repeatable
def bucket_trend(params: dict) -> Run:
    from relance_analytics import canonical as rc
    workspace = Path(params["history"])

    def run() -> str:
        trend = rc.bucket_trend(workspace)
        return f"{len(trend)} instantanés, {n(trend['items'].sum())} pièces"
    return run


@measure
@repeatable
def forecast(params: dict) -> Run:
    """Payments read from the whole history (midpoint bound), every customer's payment habit
    and the 13-week cash-in forecast at the last date; the snapshots are loaded beforehand."""
    from relance_analytics import canonical as rc
    from relance_analytics.metrics.behaviour import payment_behaviour
    from relance_analytics.metrics.forecast import cash_forecast
    from relance_analytics.store import SnapshotStore
    snapshots = SnapshotStore(Path(params["history"])).up_to(AS_OF)

    def run() -> str:
        payments = rc.payments_from_snapshots(snapshots, bound="midpoint")
        habits = payment_behaviour(payments, AS_OF)
        fc = cash_forecast(snapshots, AS_OF, payments=payments)
        return (f"{len(snapshots)} instantanés, {n(len(payments))} paiements, {n(len(habits))} clients, "
                f"{n(len(fc.items))} factures prévues")
    return run


@measure
def weekly_run(params: dict) -> Run:
    from relance_analytics.weekly import SUITE, run_weekly
    root = Path(tempfile.mkdtemp(prefix="bench-weekly-", dir=params["scratch"]))
    data = root / "data"
    shutil.copytree(SAMPLE_DIR, data)
    quick = bool(params.get("quick"))
    suite = SUITE[:1] if quick else SUITE
    stamps: list[tuple[float, str]] = []

    def progress(message: str) -> None:
        stamps.append((time.perf_counter(), message))

    def run() -> str:
        start = time.perf_counter()
        run_weekly(data, root / "reports", workspace=root / "ws", suite=suite, progress=progress, preview=not quick)
        total = time.perf_counter() - start
        # notebooks run in parallel kernels: each one's own time, then what the run added
        first = next((t for t, m in stamps if m.startswith("notebook ") and m.endswith("…")), start + total)
        parts = [f"ingestion + journal {first - start:.1f} s"]
        parts += [f"{m.split()[1]} {m.split(' terminé en ')[1]}" for _, m in stamps
                  if m.startswith("notebook ") and " terminé en " in m]
        last = max((t for t, m in stamps if " terminé en " in m), default=first)
        parts.append(f"notebooks en parallèle {last - first:.1f} s, aperçu + publication {start + total - last:.1f} s")
        shutil.rmtree(root, ignore_errors=True)
        return f"{len(suite)} notebook(s) : " + ", ".join(parts)
    return run
