"""Small rooms: no function in the apps runs over 60 lines, and no view (nor a views
module's private helper) over 25: a view validates a form, calls one service or selector,
then redirects or renders; anything more belongs in a form, a selector or a service.
Migrations are left out."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every app of the project (a top-level package with an apps.py), and the project package.
APPS = ("school", *sorted(path.parent.name for path in ROOT.glob("*/apps.py")))
MAX_FUNCTION_LINES = 60
MAX_VIEW_LINES = 25


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _is_views_module(path: Path) -> bool:
    return path.name == "views.py" or path.parent.name == "views"


def _too_long(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        lines = node.end_lineno - node.lineno + 1
        is_view = _is_views_module(path)
        limit = MAX_VIEW_LINES if is_view else MAX_FUNCTION_LINES
        if lines > limit:
            kind = "view" if is_view else "function"
            where = path.relative_to(ROOT)
            found.append(f"{where}:{node.lineno} {kind} {node.name} has {lines} lines (> {limit})")
    return found


def test_no_app_function_over_60_lines_and_no_view_or_view_helper_over_25():
    found = [problem for path in _modules() for problem in _too_long(path)]
    assert not found, "Split these into named steps:\n" + "\n".join(found)


def test_the_size_check_reads_the_apps():
    """The check walks every app's modules, views packages included."""
    paths = {p.relative_to(ROOT).as_posix() for p in _modules()}
    assert "circles/views/logs.py" in paths and "facilitation/views.py" in paths
    assert not any("migrations" in p for p in paths)
