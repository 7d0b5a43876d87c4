"""The package's layout: role folders whose imports run one way (core at the bottom), a narrow
public API, and notebooks that import only from public places."""

import ast
import importlib
import json
from pathlib import Path

import pytest

import lstm_lesson

PACKAGE = Path(lstm_lesson.__file__).parent
NOTEBOOKS = PACKAGE.parent / "notebooks"
LEVEL = {"core": 0, "experiments": 1, "classroom": 2, "tools": 3}  # a folder may import from lower levels


def _imports(path):
    """The lstm_lesson modules a file imports, as dotted names relative to the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = path.relative_to(PACKAGE).with_suffix("").parts[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(here[: len(here) - node.level + 1])
                mod = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("lstm_lesson"):
                mod = node.module[len("lstm_lesson."):] if "." in node.module else ""
            else:
                continue
            out.append(mod)
    return out


@pytest.mark.parametrize("path", sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_one_way(path):
    folder = path.relative_to(PACKAGE).parts[0]
    for mod in _imports(path):
        target = mod.split(".")[0]
        assert target in LEVEL, f"{path.relative_to(PACKAGE)} imports lstm_lesson.{mod}: import from a role folder"
        assert LEVEL[target] <= LEVEL[folder], (
            f"{path.relative_to(PACKAGE)} ({folder}) imports lstm_lesson.{mod} ({target}): "
            f"{folder} may only import from {[k for k, v in LEVEL.items() if v <= LEVEL[folder]]}")


def test_no_private_name_crosses_modules():
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("lstm_lesson")):
                private = [a.name for a in node.names if a.name.startswith("_") and a.name != "__version__"]
                assert not private, f"{path.relative_to(PACKAGE)} imports private {private} from {node.module}"


def test_every_folder_says_what_lives_there_and_what_it_may_import():
    for folder in LEVEL:
        doc = importlib.import_module(f"lstm_lesson.{folder}").__doc__
        assert doc and "May import" in doc, f"lstm_lesson/{folder}/__init__.py: say what it may import"


def test_public_api_is_narrow_and_sorted_by_role():
    assert len(lstm_lesson.__all__) <= 40
    assert len(set(lstm_lesson.__all__)) == len(lstm_lesson.__all__)
    for name in lstm_lesson.__all__:
        obj = getattr(lstm_lesson, name)
        assert getattr(obj, "__module__", "lstm_lesson.core").startswith("lstm_lesson.core"), (
            f"lstm_lesson.{name} comes from {obj.__module__}: the top level exports only core/")


def _notebook_imports(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        try:
            code = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
            tree = ast.parse("\n".join(code))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lstm_lesson"):
                yield node.module, [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                yield from ((a.name, []) for a in node.names if a.name.startswith("lstm_lesson"))


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_import_from_public_places_only(path):
    for module, names in _notebook_imports(path):
        importlib.import_module(module)  # the place exists
        parts = module.split(".")
        assert len(parts) == 1 or parts[1] in LEVEL, f"{path.name}: imports {module}, not a role folder"
        private = [n for n in names if n.startswith("_")]
        assert not private, f"{path.name}: imports private names {private} from {module}"
        if module == "lstm_lesson":
            missing = [n for n in names if n not in lstm_lesson.__all__]
            assert not missing, f"{path.name}: {missing} are not in lstm_lesson.__all__"
