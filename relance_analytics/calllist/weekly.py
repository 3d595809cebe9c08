"""The call list of a report run: its inputs read from a notebook's context, the list built and
optionally restricted to some collectors, then published as ``call_list.xlsx`` and drafts.

Inputs, all from the data folder and the workspace of the run:

* the open items of the as-of snapshot (customers attached) and every snapshot up to it, to
  evaluate the promises (kept / broken / pending);
* the action journal (``<workspace>/journal.sqlite``), actions dated on or before the as-of date
  — ``relance weekly`` imports ``actions.xlsx`` into it first, ``relance import-outcomes`` adds
  what the collectors filled;
* ``disputes.xlsx`` (optional) and the ``Contacts`` sheet of ``customers.xlsx`` (optional: without
  it every row is flagged "contact missing", never dropped);
* ``relance.toml``: ``[thresholds]``, ``[collectors]`` (capacities, e-mail addresses), ``[company]``,
  ``[insurance]`` (R14), ``[legal]`` (the penalty rates the letters state);
* the payment habits (each row's « paie d'habitude », R2's order), read from the FEC's lettering
  dates when ``[exports] fec`` names one, else from the snapshots — the same as the report's
  « Encaissements » page (:func:`relance_analytics.report.cash.payment_history`);
* ``sales.xlsx`` (optional, the collectors' DSO) for the collectors' performance of the last
  weeks, a sheet of ``call_list.xlsx``.

::

    ctx = load_context(data_dir, workspace, as_of, output_dir)
    weekly = weekly_call_list(ctx, collectors=None, capacities={"Claire Martin": 15})
    published = publish(weekly, ctx.output_dir)    # call_list.xlsx + brouillons/
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from ..context import Context
from ..errors import InputError, SettingsError
from ..io.tables import read_contacts, read_disputes, read_sales
from ..io.workbook import sheet_names
from ..journal import Journal
from ..metrics.behaviour import payment_behaviour
from ..metrics.collectors import collector_performance
from ..metrics.insurance import InsurancePolicy
from ..metrics.penalties import PenaltyParams
from ..metrics.promises import evaluate_promises
from ..report.cash import payment_history
from ..report.collectors import performance_sheet
from ..report.legal import fec_ledger
from .build import CallList, call_list
from .drafts import write_drafts
from .params import CallListParams
from .results import Published, WeeklyCallList
from .workbook import write_call_list

WORKBOOK_NAME = "call_list.xlsx"
DRAFTS_FOLDER = "brouillons"
SIDE_LISTS = ("disputes", "formal_notices", "litigation", "claims", "insurance")


def _collector_filter(collectors: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if collectors is None:
        return None
    names = (collectors,) if isinstance(collectors, str) else tuple(collectors)
    return tuple(dict.fromkeys(str(c) for c in names)) or None


def restrict(cl: CallList, collectors: str | Sequence[str] | None) -> CallList:
    """The call list of some collectors only (every list and reason of their customers);
    ``None`` keeps everyone."""
    keep = _collector_filter(collectors)
    if keep is None:
        return cl

    def only(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["collector"].isin(keep).to_numpy()].reset_index(drop=True)

    frames = {name: only(getattr(cl, name)) for name in ("rows", "deferred", *SIDE_LISTS)}
    cids = {str(c) for frame in frames.values() for c in frame["customer_id"]}
    reasons = cl.reasons[cl.reasons["cid"].astype(str).isin(cids).to_numpy()].reset_index(drop=True)
    return replace(cl, **frames, reasons=reasons)


def _contacts(customers_file: Path) -> pd.DataFrame | None:
    """The ``Contacts`` sheet of the customers workbook, ``None`` when the workbook has none."""
    if "Contacts" not in sheet_names(customers_file, InputError):
        return None
    return read_contacts(customers_file)


def weekly_call_list(ctx: Context, collectors: str | Sequence[str] | None = None,
                     capacities: Mapping[str, int] | None = None) -> WeeklyCallList:
    """Build the call list of ``ctx.as_of`` from the context's data folder and workspace.

    ``collectors``: a name or names to keep (``None``: all). ``capacities``: daily capacities
    replacing those of ``relance.toml`` for some collectors (before the cut, so the cut counts
    follow them). A name that no customer has, in either, is a ``ValueError`` listing the known ones.
    """
    keep = _collector_filter(collectors)
    known = set(ctx.customers["collector"].dropna().astype(str))
    for what, names in (("collectors", keep or ()), ("capacities", capacities or {})):
        unknown = [str(c) for c in names if str(c) not in known]
        if unknown:
            raise SettingsError(f"{what} : recouvreur(s) inconnu(s) {', '.join(map(repr, unknown))} ; le fichier "
                                f"clients nomme {', '.join(map(repr, sorted(known)))}")
    params = CallListParams.from_settings(ctx.settings).with_capacities(capacities)
    with Journal.open(ctx.store.workspace) as journal:
        actions = journal.actions(until=ctx.as_of)
    snapshots = ctx.store.up_to(ctx.as_of)
    promises = evaluate_promises(actions, snapshots, ctx.as_of)
    history = payment_history(snapshots, fec_ledger(ctx.settings, ctx.customers))
    habits = payment_behaviour(history.payments, ctx.as_of, ctx.customers, promises=promises)
    disputes_file = ctx.data_dir / "disputes.xlsx"
    disputes = read_disputes(disputes_file) if disputes_file.is_file() else None
    contacts = _contacts(ctx.data_dir / "customers.xlsx")
    cl = call_list(ctx.items, ctx.customers, actions, disputes, ctx.as_of, params, contacts=contacts,
                   promises=promises, behaviour=habits, insurance=InsurancePolicy.from_settings(ctx.settings))
    sales_file = ctx.data_dir / "sales.xlsx"
    performance = collector_performance(actions, snapshots, ctx.customers,
                                        read_sales(sales_file) if sales_file.is_file() else None, until=ctx.as_of)
    if keep is not None:
        performance = performance[performance.index.get_level_values("collector").isin(keep)]
    return WeeklyCallList(restrict(cl, keep), actions, promises, ctx.customers, contacts, ctx.settings.company, keep,
                          PenaltyParams.from_settings(ctx.settings), performance)


def publish(weekly: WeeklyCallList, output_dir: str | Path) -> Published:
    """Write ``output_dir/call_list.xlsx`` and the drafts under ``output_dir/brouillons/``
    (``emails/<collector>/*.eml``, ``mises_en_demeure/*.html``, see :func:`write_drafts`)."""
    out = Path(output_dir)
    perf = weekly.performance
    extra = [performance_sheet(perf)] if perf is not None and len(perf) else []
    workbook = write_call_list(out / WORKBOOK_NAME, weekly.call_list, extra=extra)
    drafts = write_drafts(out / DRAFTS_FOLDER, weekly.call_list, weekly.actions, weekly.contacts, weekly.customers,
                          weekly.company, collectors=list(weekly.collectors) if weekly.collectors else None,
                          penalties=weekly.penalties)
    return Published(workbook, out / DRAFTS_FOLDER, drafts)
