"""How the code is put together: dependencies point down (read from every
module's imports with ``ast``: at the top, inside functions and under
TYPE_CHECKING alike), no import circle, no module over 400 lines, and one rule
in one place (the loopback rule, the state database)."""

from __future__ import annotations

import ast
import contextlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "handouts"
MAX_LINES = 400

#: Each module's layer: the longest prefix that matches. Anything else is
#: "library": the article library, render, build, checks, review, layout, ...
LAYERS = {
    "handouts.errors": "base",
    "handouts.loader": "base",
    "handouts.yamlwords": "base",
    "handouts.yamlfast": "base",
    "handouts.converters": "base",
    "handouts.headertext": "base",
    "handouts.address": "base",
    "handouts.contacts": "base",
    "handouts.xmltext": "base",
    "handouts.xmltree": "base",
    "handouts.scripts": "base",
    "handouts.usercache": "base",
    "handouts.schema": "schema",
    "handouts.mail": "mail",
    "handouts.ehr": "ehr",
    "handouts.web": "web",
    "handouts.cli": "cli",
    "handouts.__main__": "entry",
}
#: Who may not import whom. A new module falls under its layer's rule (a new
#: top-level module is "library"; a new package needs a line in LAYERS).
MAY_NOT_IMPORT = {
    "base": {"schema", "library", "mail", "ehr", "web", "cli", "entry"},
    # ehr is not listed: the codes: field's check is ehr/codes.py (plain string
    # rules that import nothing); any other ehr import would be a circle.
    "schema": {"library", "mail", "web", "cli", "entry"},
    "library": {"mail", "ehr", "web", "cli", "entry"},
    "mail": {"ehr", "web", "cli", "entry"},
    "ehr": {"mail", "web", "cli", "entry"},
    "web": {"cli", "entry"},
    "cli": {"entry"},
    "entry": set(),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> str:
    matches = [p for p in LAYERS if module == p or module.startswith(p + ".")]
    return LAYERS[max(matches, key=len)] if matches else "library"


def _known(name: str) -> str | None:
    """The handouts module ``name`` is, or is in (``handouts.x.y`` -> ``handouts.x``
    when y is a function or class)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str) -> dict[str, int]:
    """Every handouts module ``module`` imports, with the first line: at the
    top, inside functions, under TYPE_CHECKING, relative, and
    ``importlib.import_module("...")`` with a literal name."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[str, int] = {}

    def add(name: str, line: int) -> None:
        target = _known(name) if name.split(".")[0] == "handouts" else None
        if target and target != module:
            found.setdefault(target, line)

    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            for alias in node.names:   # a submodule, or a name in the module
                add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base, node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            add(node.args[0].value, node.lineno)
    return found


GRAPH = {m: imports_of(m) for m in MODULES}


def test_the_rules_see_every_kind_of_import():
    """The reader finds imports in functions, under TYPE_CHECKING and relative
    ones (so the rules below cannot be dodged by moving an import)."""
    assert "handouts.build" in GRAPH["handouts.cli.options"]           # under TYPE_CHECKING and in run()
    assert "handouts.web.serve" in GRAPH["handouts.cli.serve"]         # inside the command
    assert "handouts.schema.article" in GRAPH["handouts.handout"]
    assert layer("handouts.schema.article") == "schema" and layer("handouts.review") == "library"
    assert layer("handouts.address") == "base" and layer("handouts.web.views.ehr") == "web"


#: Modules over the limit while their owner is still writing them; each entry
#: must go as soon as it is split (the test fails while a listed one is short).
BEING_SPLIT: dict[str, str] = {}


def test_no_module_is_over_400_lines():
    lines = {m: len(p.read_text("utf-8").splitlines()) for m, p in MODULES.items()}
    long = {m: n for m, n in lines.items() if n > MAX_LINES and m not in BEING_SPLIT}
    assert not long, f"split these by concern (at most {MAX_LINES} lines each): {long}"
    done = [m for m in BEING_SPLIT if lines.get(m, 0) <= MAX_LINES]
    assert not done, f"{done} are short now: take them out of BEING_SPLIT"


def test_dependencies_point_down():
    wrong = [f"{MODULES[m].relative_to(PACKAGE.parent)}:{line}: {layer(m)} {m} imports "
             f"{layer(t)} {t}"
             for m, targets in GRAPH.items() for t, line in targets.items()
             if layer(t) in MAY_NOT_IMPORT[layer(m)]]
    assert not wrong, "\n".join(wrong)


def test_no_import_circle():
    """Tarjan's strongly connected components: any with two or more modules
    is a circle (TYPE_CHECKING and function-level imports count too)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in GRAPH:
        if module not in index:
            visit(module)
    assert not circles, circles


def test_every_command_is_in_the_lazy_table():
    """Every click command in handouts/cli/ is reachable from ``handouts``:
    the group imports command modules only through its table."""
    import click

    from handouts.cli import LazyGroup, main

    defined = {}
    for module in (m for m in MODULES if m.startswith("handouts.cli.")):
        mod = __import__(module, fromlist=["*"])
        commands = [c for c in vars(mod).values()
                    if isinstance(c, click.Command) and c.callback.__module__ == module]
        subcommands = [s for g in commands if isinstance(g, click.Group) for s in g.commands.values()]
        defined.update({c.name: c for c in commands if c not in subcommands})
    ctx = click.Context(main)
    assert set(defined) == set(LazyGroup.lazy)
    for name, command in defined.items():
        assert main.get_command(ctx, name) is command


def test_only_the_state_module_opens_the_database():
    opens = [m for m, p in MODULES.items() if "sqlite3.connect(" in p.read_text("utf-8")]
    assert opens == ["handouts.state"]
    postgres = [m for m, p in MODULES.items() if "import psycopg" in p.read_text("utf-8")]
    assert postgres == ["handouts.state_postgres"]


LOOPBACK = ["localhost", "LOCALHOST", "localhost.", "app.localhost", "127.0.0.1", "127.8.9.10",
            "::1", "[::1]", "::ffff:127.0.0.1", " 127.0.0.1 "]
NOT_LOOPBACK = ["0.0.0.0", "::", "10.0.0.5", "192.168.1.20", "[2001:db8::1]", "mail.example.org",
                "localhost.example.org", "127.0.0.1.example.org", ""]


@pytest.mark.parametrize("host", LOOPBACK + NOT_LOOPBACK)
def test_one_loopback_rule_for_mail_and_the_page(host):
    """``security: none`` (clear-text mail) and ``handouts serve`` without a
    password are allowed to exactly the same hosts: this computer."""
    from handouts.errors import HandoutError
    from handouts.schema.settings import Smtp
    from handouts.web.serve import settings_for

    local = host in LOOPBACK
    with pytest.raises(HandoutError) if not local else _nothing():
        settings_for(host, environ={})
    try:
        Smtp.model_validate({"host": host, "security": "starttls"})
    except ValueError:
        return   # not a server name at all ("[::1]", ""): refused for that reason
    with pytest.raises(ValueError, match="only allowed to this computer") if not local else _nothing():
        Smtp.model_validate({"host": host, "security": "none"})


@contextlib.contextmanager
def _nothing():
    yield


def test_one_policy_for_the_state_database_whoever_opens_it_first(tmp_path):
    """The page's log and the outbox open the same file through
    handouts.state: WAL, secure_delete, owner-only, out of git, either first."""
    import sqlite3
    from contextlib import closing

    from handouts import mail
    from handouts.project import Project
    from handouts.web.events import EventLog

    for first in ("page", "mail"):
        root = tmp_path / first
        (root / "content").mkdir(parents=True)
        project = Project.find(root)
        if first == "page":
            EventLog(project).add("desk", "print", [("en", "leg-cramps")])
        else:
            mail.log_entries(project)
        folder = root / ".handouts"
        assert (folder / ".gitignore").read_text("utf-8").splitlines()[-1] == "*"
        with closing(sqlite3.connect(folder / "handouts.db")) as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal", first
        # and the other one finds it as it expects
        assert mail.log_entries(project) == []
        assert [e.action for e in EventLog(project).recent()] == (["print"] if first == "page" else [])
