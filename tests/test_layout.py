"""The code's shape: each module imports only from its own layer or below, there is no import
circle, and only content/languages.py names the languages.

Layers, lowest first (README "Where things are"). A module may import from its own layer and the
layers below it, never from one above: the languages; rendering (no models); the working copy
(editing); published documents; search and handouts, which read published versions; the workflow
that publishes, indexes and draws; and the outside: the public site, the admin, content files,
commands, and the project package.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LAYERS = [
    ("content.languages", "content.tasks_framework"),
    ("content.rendering",),
    ("content.editing",),
    ("content.publishing.models", "content.publishing.localized", "content.publishing.glossary",
     "content.publishing.document", "content.publishing.pages", "content.publishing.public_content",
     "content.publishing.addresses"),
    ("content.search", "content.handouts"),
    ("content.publishing.workflow", "content.publishing.glossary_workflow"),
    ("content.site", "content.handoff", "content.admin", "content.files",
     "content.templatetags", "content.management", "content.translation", "content.models",
     "content.apps", "portal"),
]


def layer_of(module):
    for number, prefixes in enumerate(LAYERS):
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return number
    return None


def product_modules():
    for folder in ("content", "portal"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).with_suffix("")
            if "migrations" in relative.parts:
                continue
            if relative.name == "__init__" and not path.read_text(encoding="utf-8").strip():
                continue  # an empty package marker imports nothing and is no one's dependency
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            yield ".".join(parts), path


def imported_modules(module, path):
    """Every module of ours that `module` imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from content.editing import freshness` imports content.editing.freshness.
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] in ("content", "portal"):
                yield name


MODULES = dict(product_modules())


def known(name):
    """The module a dotted import name refers to (a name imported from a module is dropped)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def test_every_product_module_has_a_layer():
    assert [module for module in MODULES if layer_of(module) is None] == []


def test_no_module_imports_from_a_layer_above_it():
    upward = []
    for module, path in MODULES.items():
        for name in imported_modules(module, path):
            target = known(name)
            if target and layer_of(target) > layer_of(module):
                upward.append(f"{module} imports {target}")
    assert sorted(set(upward)) == []


def test_no_import_circle():
    graph = {module: {known(name) for name in imported_modules(module, path)} - {None, module}
             for module, path in MODULES.items()}
    # A package's __init__ is imported with each of its modules; it is not a dependency of its own.
    circles, done, stack = [], set(), []

    def visit(module):
        if module in stack:
            circles.append(" -> ".join([*stack[stack.index(module):], module]))
            return
        if module in done:
            return
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if not module.startswith(target + "."):
                visit(target)
        stack.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
    assert circles == []


LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("content.")))
def test_only_the_languages_module_names_a_language(module):
    """A language code written as a string anywhere else is a second home for the languages."""
    if module == "content.languages":
        return
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    literals = [node.lineno for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and node.value in LANGUAGE_CODES]
    assert literals == [], f"{module} writes a language code at lines {literals}"
