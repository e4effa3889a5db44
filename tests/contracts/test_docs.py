"""The documents stay true to the code: every task and every environment variable is documented, links resolve."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.common.contracts import TASKS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# A variable read through the settings helpers or os.environ with a literal name.
_ENV_READ = re.compile(r"(?:env_str|env_int|env_bool|secret|os\.environ\.get|os\.getenv)"
                       r"""\(\s*["']([A-Z][A-Z0-9_]+)["']""")
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _code_env_names() -> set[str]:
    names = set()
    for folder in ("services", "admin"):
        for path in (ROOT / folder).rglob("*.py"):
            names.update(_ENV_READ.findall(path.read_text(encoding="utf-8")))
    return names


def test_every_task_name_is_in_the_architecture_task_table():
    text = (DOCS / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = sorted(name for name in TASKS if f"| `{name}` |" not in text)
    assert not missing, f"tasks missing from docs/ARCHITECTURE.md: {missing}"


def test_every_environment_variable_the_code_reads_is_in_configuration():
    names = _code_env_names()
    assert {"REGISTRY_DATABASE_URL", "SMS_GATEWAY_URL", "ADMIN_SECRET_KEY", "CERTIFICATE_KEY"} <= names
    text = (DOCS / "CONFIGURATION.md").read_text(encoding="utf-8")
    missing = sorted(name for name in names if f"`{name}`" not in text)
    assert not missing, f"variables missing from docs/CONFIGURATION.md: {missing}"


@pytest.mark.parametrize("document", ["README.md", *sorted(f"docs/{p.name}" for p in DOCS.glob("*.md"))])
def test_relative_links_resolve(document):
    path = ROOT / document
    targets = [t for t in _LINK.findall(path.read_text(encoding="utf-8")) if "://" not in t]
    broken = [t for t in targets if not (path.parent / t).exists()]
    assert not broken, f"{document} links to missing files: {broken}"


def test_readme_front_page_links_every_document_and_names_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("./scripts/run", "./scripts/test", "docker-compose"):
        assert command in text
    linked = set(_LINK.findall(text))
    documents = {f"docs/{p.name}" for p in DOCS.glob("*.md")} | {"bench/README.md"}
    assert documents <= linked, f"not linked from README.md: {sorted(documents - linked)}"
    assert len(text) < 8000, "the front page stays short: details belong in docs/"
