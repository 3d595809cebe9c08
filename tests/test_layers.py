"""The package's layers, lowest first: a module imports only from its own layer or lower ones
(README, « Architecture »). Read from the source with ``ast`` (every import, those under
``TYPE_CHECKING`` and inside functions included), so a new upward import fails here."""

from __future__ import annotations

import ast
from fnmatch import fnmatch
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "relance_analytics"

#: (layer, patterns of module names relative to the package), lowest first.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation", ("dates", "errors", "french", "config", "vocab", "keys", "lock", "money", "rates")),
    ("inputs", ("io", "io.*", "currency", "frames")),
    ("persistence", ("store", "journal", "ingest")),
    ("metrics", ("metrics", "metrics.*", "context")),
    ("engine", ("calllist.facts", "calllist.rules", "calllist.ranking", "calllist.params", "calllist.contacts",
                "calllist.engine", "calllist.situation")),
    ("text", ("text", "text.*")),
    ("presentation", ("report", "report.*", "charts", "charts.*", "calllist.build", "calllist.workbook",
                      "calllist.drafts", "calllist.outcomes", "calllist.results", "browser")),
    ("assembly", ("", "__main__", "weekly", "cli", "calllist", "calllist.weekly", "sample", "sample.*", "canonical",
                  "public")),
)


def layer_of(module: str) -> int:
    for rank, (_, patterns) in enumerate(LAYERS):
        if any(fnmatch(module, p) for p in patterns):
            return rank
    raise AssertionError(f"module {module!r} belongs to no layer: add it to LAYERS")


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imported(module: str, path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` of every project module ``module`` imports (relative to the package)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    if module == "":
        package = []
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1] if node.level > 1 else package
                target = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.split(".")[0] == "relance_analytics":
                target = node.module.split(".")[1:]
            else:
                continue
            names = [".".join([*target, a.name]) for a in node.names]
            known = modules()
            hits = [n for n in names if n in known] or [".".join(target)]
            found += [(node.lineno, h) for h in hits]
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "relance_analytics":
                    found.append((node.lineno, ".".join(a.name.split(".")[1:])))
    return found


MODULES = modules()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_higher_layer(module):
    mine = layer_of(module)
    upward = [f"line {line}: imports {target} ({LAYERS[layer_of(target)][0]})"
              for line, target in imported(module, MODULES[module]) if layer_of(target) > mine]
    assert not upward, f"{module} ({LAYERS[mine][0]}) " + "; ".join(upward)


def test_the_layer_test_catches_an_upward_import(tmp_path):
    """The checker itself: a foundation module importing a metric is reported."""
    path = tmp_path / "dates.py"
    path.write_text("from .metrics.aging import aged_balance\n", encoding="utf-8")
    hits = imported("dates", path)
    assert hits == [(1, "metrics.aging")] and layer_of("metrics.aging") > layer_of("dates")


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.split(".")[0] in ("report", "charts")))
def test_report_and_charts_are_siblings(module):
    """The report's tables and its charts share their labels through ``text``, never each other."""
    other = "charts" if module.startswith("report") else "report"
    crossing = [t for _, t in imported(module, MODULES[module]) if t.split(".")[0] == other]
    assert not crossing, f"{module} imports {crossing}"
