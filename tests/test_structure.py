"""The tree keeps its shape: parts import only parts below them in the flow, and the docs name every module
and every setting (datasette's documentation tests are the model)."""

from __future__ import annotations

import ast
import re
from dataclasses import fields
from pathlib import Path

from paperfeed.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "paperfeed"

# The flow, bottom to top: a part may import only parts on a lower level (docs/architecture.md draws it).
LEVELS = [
    {"clock", "settings", "links", "progress", "metrics", "logs", "limits", "trending", "dates"},
    {"records", "passwords"},
    {"text", "sources"},
    {"store"},
    {"ingest", "search"},
    {"recommend", "feeds"},
    {"mail", "submissions"},
    {"deps"},
    {"api", "web", "jobs"},
    {"app", "cli"},
    {"__main__"},
]
LEVEL = {part: n for n, parts in enumerate(LEVELS) for part in parts}


def _part(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports() -> dict[tuple[str, str], str]:
    """Return (importing part, imported part) -> a file that makes the import, for every pair of parts."""
    edges: dict[tuple[str, str], str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = _part(path)
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                bits = name.split(".")
                if bits[0] == "paperfeed" and len(bits) > 1 and bits[1] != source:
                    edges.setdefault((source, bits[1]), str(path.relative_to(ROOT)))
    return edges


def test_every_part_has_a_level():
    parts = {_part(p) for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    parts.discard("__init__")
    assert parts - set(LEVEL) == set(), "add new parts to LEVELS and to docs/architecture.md"


def test_no_two_parts_import_each_other():
    edges = _imports()
    circles = sorted((a, b) for a, b in edges if (b, a) in edges and a < b)
    assert circles == []


def test_imports_follow_the_flow():
    against = [f"{file}: {a} imports {b}" for (a, b), file in _imports().items() if LEVEL[b] >= LEVEL[a]]
    assert against == []


def _modules() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts or (path.name == "__init__.py" and path.parent != PACKAGE):
            continue
        out.append(str(path.relative_to(ROOT)))
    return out


def test_the_architecture_page_names_every_module():
    text = (ROOT / "docs" / "architecture.md").read_text()
    named = set(re.findall(r"`(paperfeed/[\w/.]+\.py)`", text))
    # A row may name several modules of one folder: `paperfeed/web/routes/` with `daily.py`, `papers.py`…
    for folder, files in re.findall(r"`(paperfeed/[\w/]+/)`([^\n]*)", text):
        named |= {folder + f for f in re.findall(r"`([\w]+\.py)`", files)}
    missing = [m for m in _modules() if m not in named and not m.endswith("__init__.py")]
    assert missing == [], "describe these modules in docs/architecture.md"
    gone = sorted(m for m in named if not (ROOT / m).exists())
    assert gone == [], "docs/architecture.md names modules that no longer exist"


def test_the_readme_documents_every_setting():
    text = (ROOT / "README.md").read_text()
    missing = [f"PAPERFEED_{f.name.upper()}" for f in fields(Settings) if f"PAPERFEED_{f.name.upper()}" not in text]
    assert missing == []
