"""revans.domain is pure Python: no Django, no database, testable with numbers only."""

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[1] / "domain"
FORBIDDEN = ("django", "revans.accounts", "revans.demo", "allauth")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_domain_package_imports_no_django():
    files = list(DOMAIN.rglob("*.py"))
    assert files, "revans/domain should exist"
    offenders = {
        f"{path.relative_to(DOMAIN)}: {module}"
        for path in files
        for module in imported_modules(path)
        if module.startswith(FORBIDDEN)
    }
    assert not offenders
