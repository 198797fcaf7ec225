"""The documents a newcomer reads hold to the code: every clause of the notice the code cites is in
docs/NOTICE.md, every path the docs name exists, and no document cites a tracker's numbers."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLAUSE = re.compile(r"notice ([一二三四五六七八九十]+\([一二三四五六七八九十]+\)[0-9]*)")
# A path in backquotes: a file of the repository by its extension, or a folder by its slash.
PATH = re.compile(r"`((?:kernel|services|gateway|huiqi|tests|bench|bin|deploy|docs)/[\w./-]*)`")
ISSUE = re.compile(r"(?<![\w&/])#\d+\b|\bissue \d+", re.IGNORECASE)


def _cited_clauses() -> dict[str, str]:
    cited: dict[str, str] = {}
    for top in ("services", "kernel", "gateway"):
        for path in sorted((ROOT / top).rglob("*.py")):
            for clause in CLAUSE.findall(path.read_text(encoding="utf-8")):
                cited.setdefault(clause, str(path.relative_to(ROOT)))
    return cited


def _headings(text: str) -> set[str]:
    return {line[3:].strip() for line in text.splitlines() if line.startswith("## ")}


def test_every_clause_the_code_cites_is_in_the_notice_page():
    headings = _headings((ROOT / "docs" / "NOTICE.md").read_text(encoding="utf-8"))
    cited = _cited_clauses()
    assert cited, "no clause of the notice is cited in the code: the pattern is wrong"
    missing = {clause: where for clause, where in cited.items() if clause not in headings}
    assert not missing, f"clauses cited in the code without a section in docs/NOTICE.md: {missing}"


def test_every_path_the_notice_page_names_exists():
    text = (ROOT / "docs" / "NOTICE.md").read_text(encoding="utf-8")
    named = set(PATH.findall(text))
    assert named
    gone = sorted(path for path in named if not (ROOT / path).exists())
    assert not gone, f"docs/NOTICE.md names paths that do not exist: {gone}"


DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_no_document_cites_a_trackers_numbers(document):
    found = ISSUE.findall(document.read_text(encoding="utf-8"))
    assert not found, f"{document.name} cites {found}: say what the thing is instead"


# -- docs/ARCHITECTURE.md names every module, and only modules that exist ----------------------

TOPS = ("kernel", "services", "gateway", "huiqi")
NAMED = re.compile(r"`((?:kernel|services|gateway|huiqi)(?:[./][\w]+)*(?:\.py|/)?)(?::\w+)?`")


def _modules() -> list[Path]:
    return sorted(path for top in TOPS for path in (ROOT / top).rglob("*.py")
                  if path.name != "__init__.py" and "migrations" not in path.parts
                  and "__pycache__" not in path.parts)


def _architecture() -> str:
    return (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")


def test_the_architecture_names_every_module():
    text = _architecture()
    missing = []
    for path in _modules():
        relative = path.relative_to(ROOT)
        dotted = ".".join(relative.with_suffix("").parts)
        if f"`{relative.as_posix()}`" not in text and f"`{dotted}" not in text:
            missing.append(relative.as_posix())
    assert not missing, f"modules docs/ARCHITECTURE.md does not name: {missing}"


def _exists(name: str) -> bool:
    """A path, a package or a module by its dotted name, or a name a module defines."""
    if "/" in name:
        return (ROOT / name).exists()
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:cut])
        rest = parts[cut:]
        if base.with_suffix(".py").is_file():
            source = base.with_suffix(".py").read_text(encoding="utf-8")
            return not rest or re.search(rf"\b{re.escape(rest[0])}\b", source) is not None
        if base.is_dir():
            return not rest
    return False


def test_every_module_the_architecture_names_exists():
    named = set(NAMED.findall(_architecture()))
    assert named
    gone = sorted(name for name in named if not _exists(name))
    assert not gone, f"docs/ARCHITECTURE.md names what does not exist: {gone}"


def test_every_setting_is_in_the_operations_page():
    text = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    names: set[str] = set()
    for top in ("kernel", "services", "gateway", "huiqi", "bin"):
        for path in (ROOT / top).rglob("*"):
            if path.is_file() and path.suffix in ("", ".py", ".sh") and "__pycache__" not in path.parts:
                names |= set(re.findall(r"HUIQI_[A-Z_]+", path.read_text(encoding="utf-8", errors="ignore")))
    missing = sorted(name for name in names if f"`{name}" not in text)
    assert not missing, f"settings docs/OPERATIONS.md does not describe: {missing}"
