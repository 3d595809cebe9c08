"""Command line: ``relance weekly``, ``relance ingest``, ``relance sample``, ``relance import-actions``,
``relance import-outcomes``, ``relance delais-paiement``.

The commands only assemble parameters and call the package; every error the package raises
on purpose (:class:`~relance_analytics.errors.RelanceError`) is printed as its French text on
one ``Erreur :`` line (plus the problems of a file), with a ``Piste :`` hint, exit code 1.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import NoReturn, TypeVar

import click

from . import __version__
from .errors import (
    CurrencyError,
    DateInputError,
    InputError,
    NotebookFailed,
    RelanceError,
    SnapshotMissing,
    WorkspaceBusy,
)
from .store import DEFAULT_WORKSPACE

T = TypeVar("T")

HINTS: tuple[tuple[type[BaseException], str], ...] = (
    (CurrencyError, "ajoutez les taux dans la section [currencies] de relance.toml, puis relancez."),
    (InputError, "corrigez le fichier signalé (ou la correspondance des colonnes) puis relancez ; rien n'a été "
                 "modifié."),
    (DateInputError, "exemple : --as-of 2026-11-20 ou --as-of 20/11/2026."),
    (WorkspaceBusy, "une seule exécution à la fois par espace de travail."),
    (SnapshotMissing, "intégrez d'abord les exports (relance weekly --data DOSSIER)."),
)


def _fail(exc: BaseException, verbose: bool, hint: str = "") -> NoReturn:
    if verbose:
        traceback.print_exception(exc)
    click.echo(f"Erreur : {exc}", err=True)
    hint = hint or next((h for kind, h in HINTS if isinstance(exc, kind)), "")
    if isinstance(exc, NotebookFailed):
        hint = f"ouvrez {exc.kept} pour voir la cellule en erreur."
    if hint:
        click.echo(f"Piste : {hint}", err=True)
    sys.exit(1)


def _guarded(ctx: click.Context, action: Callable[[], T], hint: str = "") -> T:
    """Run ``action``; a package error, a missing file or a bad value is one French line."""
    try:
        return action()
    except (RelanceError, OSError, ValueError) as exc:
        _fail(exc, ctx.obj["verbose"], hint if isinstance(exc, InputError) else "")


WORKSPACE_HELP = "Espace de travail : balances intégrées et journal des actions (par défaut : .relance)."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="relance", message="%(prog)s %(version)s",
                      help="Affiche la version et quitte.")
@click.option("--verbose", is_flag=True, help="Affiche la trace technique complète en cas d'erreur.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """Analyse des créances clients et listes d'appels de relance (relance-analytics)."""
    ctx.obj = {"verbose": verbose}


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=Path("data/sample"),
              help="Dossier de données : exports/, customers.xlsx, sales.xlsx, disputes.xlsx, actions.xlsx, "
                   "relance.toml (par défaut : data/sample).")
@click.option("--as-of", default=None,
              help="Date d'arrêté, AAAA-MM-JJ ou JJ/MM/AAAA (par défaut : la date du dernier export).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("reports"),
              help="Dossier des rapports ; l'exécution écrit <out>/<date>/ (par défaut : reports).")
@click.option("--workspace", type=click.Path(path_type=Path), default=DEFAULT_WORKSPACE, help=WORKSPACE_HELP)
@click.option("--workers", type=click.IntRange(1, 16), default=None,
              help="Notebooks exécutés en parallèle (par défaut : le nombre de processeurs, 4 au plus).")
@click.pass_context
def weekly(ctx: click.Context, data_dir: Path, as_of: str | None, out_dir: Path, workspace: Path,
           workers: int | None) -> None:
    """Intègre les exports et exécute tous les notebooks du rapport dans <out>/<date>/."""
    from .weekly import run_weekly

    result = _guarded(ctx, lambda: run_weekly(data_dir, out_dir, as_of, workspace, workers=workers,
                                              progress=lambda s: click.echo(f"  {s}", err=True)))
    click.echo(f"Rapport du {result.as_of:%d/%m/%Y} : {result.report_dir}")
    for f in result.files:
        click.echo(f"  {f.name}")
    if result.index is not None:
        click.echo(f"Sommaire : {result.index}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--mapping", default="auto",
              help="Préréglage de correspondance, « auto » ou un fichier TOML de correspondance (par défaut : auto).")
@click.option("--config", "config", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="relance.toml dont la section [currencies] donne les taux de conversion (par défaut : aucun, "
                   "seuls les exports en euros sont acceptés).")
@click.option("--workspace", type=click.Path(path_type=Path), default=DEFAULT_WORKSPACE, help=WORKSPACE_HELP)
@click.pass_context
def ingest(ctx: click.Context, files: tuple[Path, ...], mapping: str, config: Path | None, workspace: Path) -> None:
    """Lit des exports de balance âgée et les intègre (date d'arrêté prise dans le nom du fichier)."""
    from .config import Settings
    from .currency import CurrencyRates
    from .french import euros
    from .ingest import ingest_file
    from .store import SnapshotStore

    store = SnapshotStore(workspace)
    rates = _guarded(ctx, lambda: CurrencyRates.from_table(Settings.load(config).currencies))
    for f in files:
        r = _guarded(ctx, partial(ingest_file, f, store, mapping, force=True, rates=rates),
                     "vérifiez l'en-tête et la correspondance des colonnes (--mapping).")
        click.echo(f"{f.name} : {r.items} pièces au {r.as_of:%d/%m/%Y}, total {euros(r.total_cents)}")
        for text in r.warnings:
            click.echo(f"  avertissement : {text}")


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("data/sample"),
              help="Dossier où écrire l'échantillon (par défaut : data/sample).")
@click.option("--seed", type=int, default=20261120, help="Graine du générateur : même graine, mêmes fichiers "
                                                         "(par défaut : 20261120).")
@click.option("--fec", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Écrit aussi le FEC de tout le grand livre simulé dans ce fichier (par défaut : aucun).")
def sample(out_dir: Path, seed: int, fec: Path | None) -> None:
    """Génère le jeu de données d'exemple (exports, clients, ventes, litiges, actions)."""
    from .sample import generate, simulate, write_fec

    summary = generate(out_dir, seed)
    click.echo(f"Échantillon écrit dans {out_dir} : {summary.customers} clients, {summary.weeks} balances "
               f"hebdomadaires ({summary.items_per_week_min} à {summary.items_per_week_max} pièces ouvertes), "
               f"{summary.actions} actions, {summary.disputes} litiges.")
    if fec is not None:
        lines = write_fec(fec, simulate(seed))
        click.echo(f"FEC écrit dans {fec} : {lines} lignes.")


@main.command("import-actions")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Fichier TOML de correspondance des en-têtes de l'export vers les colonnes des actions (table "
                   "[columns]) (par défaut : les en-têtes de actions.xlsx de l'échantillon).")
@click.option("--workspace", type=click.Path(path_type=Path), default=DEFAULT_WORKSPACE, help=WORKSPACE_HELP)
@click.pass_context
def import_actions(ctx: click.Context, file: Path, mapping: Path | None, workspace: Path) -> None:
    """Enregistre dans le journal un export d'outil de relance ou actions.xlsx (les actions déjà enregistrées
    sont ignorées)."""
    from .journal import Journal, read_mapping

    def record() -> int:
        columns = read_mapping(mapping) if mapping else None
        with Journal.open(workspace) as journal:
            return journal.import_file(file, columns)

    _record(ctx, file, workspace, record, "nouvelle{s} action{s} enregistrée{s}",
            "corrigez les lignes signalées (ou la correspondance des colonnes) : rien n'a été enregistré.")


@main.command("import-outcomes")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workspace", type=click.Path(path_type=Path), default=DEFAULT_WORKSPACE, help=WORKSPACE_HELP)
@click.pass_context
def import_outcomes(ctx: click.Context, file: Path, workspace: Path) -> None:
    """Enregistre dans le journal les résultats d'appel saisis dans un call_list.xlsx (tout ou rien ; un
    classeur déjà importé n'ajoute rien)."""
    from .calllist import import_outcomes as record_outcomes

    _record(ctx, file, workspace, lambda: record_outcomes(file, workspace), "résultat{s} d'appel enregistré{s}",
            "corrigez les cellules signalées (feuille, ligne, colonne) puis importez de nouveau : "
            "rien n'a été enregistré.")


def _record(ctx: click.Context, file: Path, workspace: Path, record: Callable[[], int], what: str, hint: str) -> None:
    """Run one journal import, then print how many actions were new (``what`` takes ``{s}``) and
    the journal's size; an input error is one line with ``hint``."""
    from .journal import Journal

    def run() -> tuple[int, int, Path]:
        new = record()
        with Journal.open(workspace) as journal:
            return new, len(journal), journal.path

    new, total, path = _guarded(ctx, run, hint)
    click.echo(f"{file.name} : {new} {what.format(s='s' if new > 1 else '')} (journal : {total} actions, {path})")


@main.command("delais-paiement")
@click.option("--cloture", default=None,
              help="Date de clôture de l'exercice, AAAA-MM-JJ ou JJ/MM/AAAA (par défaut : la dernière clôture selon "
                   "[legal] fiscal_year_end de relance.toml, à la date de la dernière balance intégrée ou de la "
                   "dernière écriture du FEC).")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=Path("data/sample"),
              help="Dossier de données : sales.xlsx (chiffre d'affaires), disputes.xlsx (litiges), customers.xlsx, "
                   "relance.toml (par défaut : data/sample).")
@click.option("--workspace", type=click.Path(path_type=Path), default=DEFAULT_WORKSPACE, help=WORKSPACE_HELP)
@click.option("--fec", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Reconstitue les pièces ouvertes à la date exacte de clôture depuis ce FEC (par défaut : aucun, "
                   "la balance intégrée de la clôture ou, à défaut, la dernière des jours qui la précèdent).")
@click.option("--base", type=click.Choice(["TTC", "HT"], case_sensitive=False), default="TTC",
              help="Montants et chiffre d'affaires toutes taxes comprises ou hors taxe (par défaut : TTC).")
@click.option("--delais-reference", default=None,
              help="Délais de paiement de référence indiqués en (C), par exemple « délais légaux : 60 jours date de "
                   "facture » (par défaut : délais contractuels).")
@click.option("--debut-exercice", default=None,
              help="Premier jour de l'exercice, pour son chiffre d'affaires (par défaut : le lendemain de la clôture "
                   "un an plus tôt).")
@click.option("--ecart-max", type=click.IntRange(0, 366), default=7,
              help="Jours au plus entre la clôture et la balance intégrée qui en tient lieu (par défaut : 7).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Classeur Excel à écrire (par défaut : reports/delais_paiement_<clôture>.xlsx).")
@click.pass_context
def delais_paiement(ctx: click.Context, cloture: str | None, data_dir: Path, workspace: Path, fec: Path | None,
                    base: str, delais_reference: str | None, debut_exercice: str | None, ecart_max: int,
                    out: Path | None) -> None:
    """Tableau des délais de paiement clients du rapport de gestion (article D. 441-6) à la clôture de
    l'exercice : factures émises non réglées par tranche de retard, factures en litige exclues, avoirs et
    règlements non affectés à part ; classeur Excel au format du modèle officiel."""
    def build() -> _Delays:
        try:
            return _payment_delays(data_dir, workspace, cloture, fec=fec, basis=base.upper(),
                                   reference_terms=delais_reference, fiscal_year_start=debut_exercice,
                                   max_gap_days=ecart_max, out=out)
        except SnapshotMissing as exc:
            if not exc.stored:
                raise
            _fail(exc, ctx.obj["verbose"], "choisissez une autre --cloture, élargissez --ecart-max, ou passez "
                                           "--fec FICHIER pour reconstituer les pièces ouvertes à la date exacte.")

    result = _guarded(ctx, build)
    click.echo(f"Tableau D441-6 écrit dans {result.path}")
    for line in result.summary:
        click.echo(f"  {line}")
    for text in result.warnings:
        click.echo(f"  avertissement : {text}")


@dataclass(frozen=True)
class _Delays:
    path: Path
    summary: list[str]
    warnings: list[str]


def _payment_delays(data_dir: Path, workspace: Path, cloture: str | None, *, fec: Path | None, basis: str,
                    reference_terms: str | None, fiscal_year_start: str | None, max_gap_days: int,
                    out: Path | None) -> _Delays:
    """Build and write the D441-6 table of ``relance delais-paiement`` (see its help)."""
    import warnings as python_warnings

    import pandas as pd

    from .config import Settings
    from .dates import as_date
    from .errors import InputWarning, SettingsError
    from .french import count, euros, percent
    from .io import read_customers, read_disputes, read_sales
    from .io.fec import load_fec
    from .metrics.d441 import CONTRACTUAL_TERMS, fiscal_close, payment_delays_table, snapshot_for_close
    from .report.legal_tables import write_payment_delays
    from .store import SnapshotStore

    def quietly(read: Callable[[], T]) -> T:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("ignore", InputWarning)
            return read()

    settings = Settings.load(data_dir / "relance.toml")

    def close_on(latest: pd.Timestamp) -> pd.Timestamp:
        if cloture is not None:
            return as_date(cloture, "date de clôture")
        if settings.fiscal_year_end is None:
            raise SettingsError("date de clôture inconnue : passez --cloture (par exemple --cloture 2026-09-30) ou "
                                f"indiquez le jour de clôture de l'exercice dans {data_dir / 'relance.toml'} "
                                "([legal] fiscal_year_end = \"30/09\")")
        return fiscal_close(settings.fiscal_year_end, latest)

    sales = quietly(lambda: read_sales(data_dir / "sales.xlsx"))
    disputes_path = data_dir / "disputes.xlsx"
    disputes = quietly(lambda: read_disputes(disputes_path)) if disputes_path.is_file() else None
    notes: list[str] = []
    if fec is not None:
        customers_path = data_dir / "customers.xlsx"
        customers = quietly(lambda: read_customers(customers_path)) if customers_path.is_file() else None
        ledger = quietly(lambda: load_fec(fec, customers=customers))
        close = close_on(ledger.last_date)
        items = quietly(lambda: ledger.open_items(close))
        source = f"reconstituées depuis le FEC {fec.name} à la date de clôture"
    else:
        store = SnapshotStore(workspace)
        dates = store.dates()
        close = close_on(dates[-1] if dates else store.latest())
        used = snapshot_for_close(dates, close, max_gap_days)
        items = store.read(used)
        gap = (close - used).days
        days = f"{gap} jour{'s' if gap > 1 else ''}"
        source = (f"balance intégrée du {used:%d/%m/%Y}" if gap == 0 else
                  f"balance intégrée du {used:%d/%m/%Y}, la dernière avant la clôture ({days} plus tôt) : pièces "
                  "ouvertes à cette date, retards comptés à la date de clôture")
    notes.append(f"Pièces ouvertes : {source}.")
    if disputes is None:
        notes.append(f"Pas de fichier des litiges ({disputes_path.name}) : aucune facture exclue en (B).")
    table = payment_delays_table(items, close, sales, disputes, "HT" if basis == "HT" else "TTC",
                                 reference_terms=reference_terms or CONTRACTUAL_TERMS,
                                 fiscal_year_start=fiscal_year_start, default_vat_rate=settings.default_vat_rate)
    path = out or Path("reports") / f"delais_paiement_{close:%Y-%m-%d}.xlsx"
    company = f"{settings.company} — " if settings.company else ""
    write_payment_delays(path, table, notes=notes,
                         title=f"{company}Délais de paiement clients (article D. 441-6 du code de commerce) — "
                               f"exercice clos le {close:%d/%m/%Y}")
    overdue, not_due = table.by_bucket.loc["total_overdue"], table.by_bucket.loc["not_due"]
    share = percent(float(overdue["turnover_share"]))
    left = table.left_out
    summary = [
        f"clôture du {close:%d/%m/%Y} ; pièces ouvertes : {source}",
        f"(A) factures échues non réglées : {count(int(overdue['invoices']))} pour "
        f"{euros(int(overdue['amount_cents']))} {basis}"
        + (f", soit {share} du chiffre d'affaires {basis} de l'exercice ({euros(table.turnover_cents)})"
           if share else "")
        + f" ; non échues (0 jour, indicatif) : {count(int(not_due['invoices']))} pour "
        f"{euros(int(not_due['amount_cents']))}",
        f"(B) factures exclues (litiges ouverts à la clôture) : {count(table.excluded_count)} pour "
        f"{euros(table.excluded_cents)}",
        f"hors tableau : {count(int(left.at['credit_note', 'items']))} avoir(s) "
        f"({euros(int(left.at['credit_note', 'amount_cents']))}) et {count(int(left.at['payment', 'items']))} "
        f"règlement(s) non affecté(s) ({euros(int(left.at['payment', 'amount_cents']))})",
    ]
    found = [*items.attrs.get("warnings", []), *sales.attrs.get("warnings", [])]
    if disputes is not None:
        found += disputes.attrs.get("warnings", [])
    return _Delays(path, summary, [str(w) for w in found])


if __name__ == "__main__":
    main()
