"""Seeded, deterministic sample data: one simulated receivables ledger and every file derived from it.

The simulation builds ~300 customers of "Ateliers Durand Industrie SAS", 24 months of sales,
the invoices that make them up, payments (some in instalments), credit notes, unapplied
payments, disputes and six months of collection actions. From that single world it writes
``data/sample``: 16 weekly open-item exports (Sage layout, one week in the Odoo OCA layout),
``customers.xlsx``, ``sales.xlsx``, ``disputes.xlsx``, ``actions.xlsx`` and ``relance.toml``.

Money is integer cents everywhere; cells receive ``cents / 100``. No wall-clock time, no hash
order: the same seed gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .chase import simulate_actions
from .fec import write_fec
from .ledger import (
    Ledger,
    SampleSummary,
    index_ledger,
    make_customers,
    number_documents,
    simulate_credit_notes,
    simulate_disputes,
    simulate_payments,
    simulate_sales,
    simulate_unapplied,
    snapshots,
)
from .world import AS_OF_DATES, COMPANY, DEFAULT_SEED, END, ODOO_AS_OF, SAGE_HEADER, SAGE_SHEET, ordinal_date
from .writers import (
    write_actions,
    write_balance_odoo,
    write_balance_sage,
    write_config,
    write_customers,
    write_disputes,
    write_sales,
)


def simulate(seed: int = DEFAULT_SEED) -> Ledger:
    """Build the whole ledger from a seed."""
    rng = np.random.default_rng(seed)
    led = Ledger(make_customers(rng))
    simulate_sales(rng, led)
    simulate_payments(rng, led)
    index_ledger(led)
    simulate_disputes(rng, led)
    simulate_credit_notes(rng, led)
    simulate_unapplied(rng, led)
    number_documents(led)
    index_ledger(led)
    simulate_actions(rng, led)
    return led


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------
def generate(out_dir: Path, seed: int = DEFAULT_SEED) -> SampleSummary:
    """Simulate the ledger from ``seed`` and write every sample file under ``out_dir``."""
    out_dir = Path(out_dir)
    exports = out_dir / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    led = simulate(seed)
    snaps = snapshots(led)
    text_rng = np.random.default_rng([seed, 2])
    for snap in snaps:
        path = exports / f"balance_{ordinal_date(snap.as_of).isoformat()}.xlsx"
        if snap.as_of == ODOO_AS_OF:
            write_balance_odoo(path, led, snap, text_rng)
        else:
            write_balance_sage(path, led, snap)
    write_customers(out_dir / "customers.xlsx", led)
    write_sales(out_dir / "sales.xlsx", led)
    write_disputes(out_dir / "disputes.xlsx", led)
    write_actions(out_dir / "actions.xlsx", led)
    write_config(out_dir / "relance.toml")
    counts = [len(s.docs) for s in snaps]
    return SampleSummary(customers=len(led.customers), weeks=len(snaps), items_per_week_min=min(counts),
                         items_per_week_max=max(counts), actions=len(led.actions), disputes=len(led.disputes))


__all__ = ["AS_OF_DATES", "COMPANY", "DEFAULT_SEED", "END", "Ledger", "SAGE_HEADER", "SAGE_SHEET", "SampleSummary",
           "generate", "ordinal_date", "simulate", "snapshots", "write_fec"]
