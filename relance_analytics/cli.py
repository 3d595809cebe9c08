"""Command line: ``relance weekly``, ``relance ingest``, ``relance sample``, ``relance import-actions``,
``relance import-outcomes``."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Callable

import click

from .store import DEFAULT_WORKSPACE


def _fail(exc: BaseException, verbose: bool, hint: str = "") -> None:
    if verbose:
        traceback.print_exception(exc)
    click.echo(f"Erreur : {exc}", err=True)
    if hint:
        click.echo(f"Piste : {hint}", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.option("--verbose", is_flag=True, help="Show the full traceback on errors.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """Receivables analytics and collection call lists (relance-analytics)."""
    ctx.obj = {"verbose": verbose}


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=Path("data/sample"),
              help="Data folder: exports/, customers.xlsx, sales.xlsx, disputes.xlsx, actions.xlsx, relance.toml.")
@click.option("--as-of", default=None, help="As-of date YYYY-MM-DD (default: the latest export).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("reports"),
              help="Reports folder; the run writes <out>/<as_of>/.")
@click.option("--workspace", type=click.Path(path_type=Path), default=DEFAULT_WORKSPACE,
              help="Workspace holding the snapshot store (and the action journal).")
@click.option("--workers", type=click.IntRange(1, 16), default=None,
              help="Notebooks run at once (default: the number of CPUs, at most 4).")
@click.pass_context
def weekly(ctx: click.Context, data_dir: Path, as_of: str | None, out_dir: Path, workspace: Path,
           workers: int | None) -> None:
    """Ingest the exports and run every report notebook into <out>/<as_of>/."""
    from .errors import InputError
    from .lock import WorkspaceBusy
    from .weekly import NotebookFailed, run_weekly

    try:
        result = run_weekly(data_dir, out_dir, as_of, workspace, workers=workers,
                            progress=lambda s: click.echo(f"  {s}", err=True))
    except InputError as exc:
        _fail(exc, ctx.obj["verbose"], "corrigez le fichier signalé (ou la correspondance des colonnes) puis relancez.")
    except NotebookFailed as exc:
        _fail(exc, ctx.obj["verbose"], f"ouvrez {exc.kept} pour voir la cellule en erreur.")
    except WorkspaceBusy as exc:
        _fail(exc, ctx.obj["verbose"], "une seule exécution à la fois par espace de travail.")
    except (FileNotFoundError, KeyError, ValueError) as exc:
        _fail(exc, ctx.obj["verbose"])
    else:
        click.echo(f"Rapport du {result.as_of:%d/%m/%Y} : {result.report_dir}")
        for f in result.files:
            click.echo(f"  {f.name}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--mapping", default="auto", help="Mapping preset name, 'auto', or a mapping TOML file.")
@click.option("--workspace", type=click.Path(path_type=Path), default=DEFAULT_WORKSPACE,
              help="Workspace holding the snapshot store.")
@click.pass_context
def ingest(ctx: click.Context, files: tuple[Path, ...], mapping: str, workspace: Path) -> None:
    """Read open-item exports and store them as snapshots (date taken from the file name)."""
    from .ingest import ingest_file
    from .errors import InputError
    from .report import euros
    from .store import SnapshotStore

    store = SnapshotStore(workspace)
    for f in files:
        try:
            r = ingest_file(f, store, mapping, force=True)
        except (InputError, ValueError) as exc:
            _fail(exc, ctx.obj["verbose"], "vérifiez l'en-tête et la correspondance des colonnes (--mapping).")
        else:
            click.echo(f"{f.name}: {r.items} pièces au {r.as_of:%d/%m/%Y}, total {euros(r.total_cents)}")


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("data/sample"),
              help="Folder to write the sample into.")
@click.option("--seed", type=int, default=20261120, help="Random seed (same seed, same files).")
def sample(out_dir: Path, seed: int) -> None:
    """Generate the deterministic sample data set (exports, customers, sales, disputes, actions)."""
    from .sample import generate

    summary = generate(out_dir, seed)
    click.echo(f"Échantillon écrit dans {out_dir} : {summary}")


@main.command("import-actions")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="TOML file mapping the export's headers to the action columns ([columns] table) "
                   "(default: the headers of the sample's actions.xlsx).")
@click.option("--workspace", type=click.Path(path_type=Path), default=DEFAULT_WORKSPACE,
              help="Workspace holding the action journal (journal.sqlite).")
@click.pass_context
def import_actions(ctx: click.Context, file: Path, mapping: Path | None, workspace: Path) -> None:
    """Record a dunning-tool export or actions.xlsx into the action journal (already recorded actions are skipped)."""
    from .journal import Journal, read_mapping

    def record() -> int:
        columns = read_mapping(mapping) if mapping else None
        with Journal.open(workspace) as journal:
            return journal.import_file(file, columns)

    _record(ctx, file, workspace, record, "nouvelle{s} action{s} enregistrée{s}",
            "corrigez les lignes signalées (ou la correspondance des colonnes) : rien n'a été enregistré.")


@main.command("import-outcomes")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workspace", type=click.Path(path_type=Path), default=DEFAULT_WORKSPACE,
              help="Workspace holding the action journal (journal.sqlite).")
@click.pass_context
def import_outcomes(ctx: click.Context, file: Path, workspace: Path) -> None:
    """Record the outcomes filled in a call_list.xlsx into the action journal (all or nothing; a
    workbook imported before records nothing new)."""
    from .calllist import import_outcomes as record_outcomes

    _record(ctx, file, workspace, lambda: record_outcomes(file, workspace), "résultat{s} d'appel enregistré{s}",
            "corrigez les cellules signalées (feuille, ligne, colonne) puis importez de nouveau : "
            "rien n'a été enregistré.")


def _record(ctx: click.Context, file: Path, workspace: Path, record: Callable[[], int], what: str, hint: str) -> None:
    """Run one journal import, then print how many actions were new (``what`` takes ``{s}``) and
    the journal's size; an input error is one line with ``hint``."""
    from .errors import InputError
    from .journal import Journal

    try:
        new = record()
        with Journal.open(workspace) as journal:
            total, path = len(journal), journal.path
    except InputError as exc:
        _fail(exc, ctx.obj["verbose"], hint)
    except (ValueError, RuntimeError) as exc:
        _fail(exc, ctx.obj["verbose"])
    else:
        click.echo(f"{file.name} : {new} {what.format(s='s' if new > 1 else '')} (journal : {total} actions, {path})")


if __name__ == "__main__":
    main()
