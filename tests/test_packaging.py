"""The repository keeps its promises to a new user.

- environment.yml (conda) and pyproject.toml (pip) list the same packages and minimum versions;
- the README starts with two commands (make lab, make test); .ci/run runs the test command as written;
- every notebook is a jupytext pair in sync with its .py source, executed (nbval skips cells
  that never ran) and has slide metadata on every cell.

No YAML or TOML library is needed: Python 3.10 has no tomllib, so pyproject.toml is read with
a small regex reader there (and the reader is checked against tomllib where both exist).
"""

import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SELF = "lstm-lesson"  # the project's own name, used in self-referencing extras


def normalise(requirement: str) -> tuple[str, str]:
    """'Jupyter_Lab >= 4.0' -> ('jupyter-lab', '>=4.0'): PEP 503 name and version spec."""
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)", requirement)
    assert m, f"cannot read requirement {requirement!r}"
    name = re.sub(r"[-_.]+", "-", m.group(1)).lower()
    spec = re.sub(r"\s+", "", m.group(3).split(";")[0])
    return name, spec


# ----- readers -------------------------------------------------------------------------------
def _toml_string_arrays(text: str, table: str) -> dict[str, list[str]]:
    """``key = ["a", "b", ...]`` arrays of strings in one ``[table]`` of a TOML file (regex reader)."""
    m = re.search(rf"^\[{re.escape(table)}\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    if not m:
        return {}
    body = re.sub(r"#[^\n\"]*$", "", m.group(1), flags=re.M)  # comments outside strings
    arrays = {}
    for key, items in re.findall(r"^\s*([\w.-]+)\s*=\s*\[(.*?)\]\s*$", body, re.M | re.S):
        arrays[key] = re.findall(r'"([^"]*)"', items)
    return arrays


def pyproject_requirements(text: str, use_tomllib: bool = True) -> dict[str, list[str]]:
    """{"dependencies": [...], "<extra>": [...]} from pyproject.toml's [project] table."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        use_tomllib = False
    if use_tomllib:
        project = tomllib.loads(text)["project"]
        groups = {"dependencies": project.get("dependencies", [])}
        groups.update(project.get("optional-dependencies", {}))
        return groups
    groups = {"dependencies": _toml_string_arrays(text, "project").get("dependencies", [])}
    groups.update(_toml_string_arrays(text, "project.optional-dependencies"))
    return groups


def environment_requirements(text: str) -> tuple[list[str], list[str], list[str]]:
    """(channels, conda dependencies, pip dependencies) from environment.yml (block lists only)."""
    channels, conda, pip, section = [], [], [], None
    for raw in text.splitlines():
        line = raw.split(" #")[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        item = line.strip()
        if indent == 0:
            section = item.rstrip(":")
            continue
        if not item.startswith("- "):
            continue
        value = item[2:].strip()
        if section == "channels":
            channels.append(value)
        elif section == "dependencies":
            if value == "pip:":
                section = "pip"
            else:
                conda.append(value)
        elif section == "pip":
            if indent <= 2:  # back at the dependencies level
                section = "dependencies"
                conda.append(value)
            else:
                pip.append(value)
    return channels, conda, pip


def _pyproject():
    return (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def _environment():
    return environment_requirements((ROOT / "environment.yml").read_text(encoding="utf-8"))


# Extras environment.yml need not list: the maintainers' release tools (python -m build, twine),
# torch, the benchmark's optional peer, and the zh extra's font wheel for machines without a CJK
# font (none is part of `-e .[test]`).
NOT_IN_ENVIRONMENT = {"release", "bench", "zh"}


def _pip_specs():
    """Every requirement of the runtime and of every extra but the release tools, by normalised name."""
    specs = {}
    for group, reqs in pyproject_requirements(_pyproject()).items():
        if group in NOT_IN_ENVIRONMENT:
            continue
        for req in reqs:
            name, spec = normalise(req)
            if name != SELF:
                specs[name] = (spec, group)
    return specs


def _conda_specs():
    specs = {}
    for req in _environment()[1]:
        name, spec = normalise(req)
        if name not in ("python", "pip"):
            specs[name] = spec
    return specs


# ----- environment.yml and pyproject.toml ----------------------------------------------------
def test_environment_yml_and_pyproject_list_the_same_packages():
    pip, conda = _pip_specs(), _conda_specs()
    only_pip = sorted(f"{n} ({g})" for n, (_, g) in pip.items() if n not in conda)
    only_conda = sorted(n for n in conda if n not in pip)
    assert not only_pip, f"in pyproject.toml but missing from environment.yml: {only_pip}"
    assert not only_conda, f"in environment.yml but missing from pyproject.toml: {only_conda}"


def test_environment_yml_and_pyproject_agree_on_minimum_versions():
    pip, conda = _pip_specs(), _conda_specs()
    differ = {n: (pip[n][0], conda[n]) for n in pip if n in conda and pip[n][0] != conda[n]}
    assert not differ, f"version specs differ (pyproject, environment.yml): {differ}"


def test_versions_are_minimums_not_pins():
    pins = [n for n, (spec, _) in _pip_specs().items() if "==" in spec or spec.startswith("<")]
    assert not pins, f"exact pins break installs on newer Pythons (d2l, fastbook): {pins}"


def test_environment_yml_uses_conda_forge_and_installs_this_checkout():
    channels, conda, pip = _environment()
    assert channels == ["conda-forge", "nodefaults"], f"channels: got {channels}"
    python = [normalise(r)[1] for r in conda if normalise(r)[0] == "python"]
    assert python == [">=3.10"], f"python: expected >=3.10 like requires-python, got {python}"
    assert "pip" in conda, "pip must be listed to run the pip: block"
    assert pip == ["-e .[test]"], f"pip block: expected the editable checkout with [test], got {pip}"


def test_requires_python_is_310():
    assert re.search(r'^requires-python\s*=\s*">=3\.10"', _pyproject(), re.M)


def test_the_regex_reader_agrees_with_tomllib():
    tomllib = pytest.importorskip("tomllib")  # the regex reader is what 3.10 uses
    text = _pyproject()
    assert pyproject_requirements(text, use_tomllib=False) == pyproject_requirements(text)
    assert tomllib.loads(text)  # the file is valid TOML


def test_the_readers_on_tricky_text():
    toml = ('[project]\nname = "x"\ndependencies = [\n  "numpy>=1.23",  # a comment\n  "Jupyter_Lab >= 4",\n]\n'
            '[project.optional-dependencies]\ntest = ["pytest>=7"]  # inline\n[tool.x]\ny = ["z"]\n')
    groups = pyproject_requirements(toml, use_tomllib=False)
    assert groups == {"dependencies": ["numpy>=1.23", "Jupyter_Lab >= 4"], "test": ["pytest>=7"]}
    assert normalise("Jupyter_Lab >= 4") == ("jupyter-lab", ">=4")
    yml = "name: a\nchannels:\n  - conda-forge\ndependencies:\n  - numpy>=1.23  # why\n  - pip\n" \
          "  - pip:\n      - -e .[test]\n  - ruff\n"
    assert environment_requirements(yml) == (["conda-forge"], ["numpy>=1.23", "pip", "ruff"], ["-e .[test]"])


# ----- README and .ci/run --------------------------------------------------------------------
def _readme_command(heading_word: str) -> str:
    """The first command in a code block under the first README heading containing the word."""
    section, in_fence = "", False
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and line.startswith("#"):
            section = line.lstrip("#").strip()
        elif in_fence and heading_word.lower() in section.lower() and line.strip() \
                and not line.lstrip().startswith("#"):
            return line.strip()
    raise AssertionError(f"README: no command in a code block under a heading with {heading_word!r}")


def _readme_commands(heading_word: str) -> list[str]:
    """Every command in the code blocks under the first README heading containing the word (comments cut)."""
    section, in_fence, found, commands = "", False, None, []
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and line.startswith("#"):
            if found:
                break
            section = line.lstrip("#").strip()
            found = heading_word.lower() in section.lower() or None
        elif in_fence and found and line.strip() and not line.lstrip().startswith("#"):
            commands.append(line.split(" #")[0].strip())
    assert commands, f"README: no command under a heading with {heading_word!r}"
    return commands


def _ci_commands() -> list[str]:
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]


def _make_recipe(target: str) -> list[str]:
    """The recipe lines of a Makefile target, with $(BIN)/ removed (what runs, in the venv)."""
    lines, inside = [], False
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        if re.match(rf"^{re.escape(target)}\s*:", line):
            inside = True
        elif inside and line.startswith("\t"):
            lines.append(line.strip().replace("$(BIN)/", ""))
        elif inside and line.strip() and not line.startswith("\t"):
            break
    return lines


def test_readme_starts_with_two_commands():
    lab, test = _readme_commands("two commands")[:2]
    assert (lab, test) == ("make lab", "make test"), f"README's two commands changed: {lab!r}, {test!r}"
    assert _readme_command("Test") == "make test"


def test_ci_runs_the_readme_test_command_as_written():
    assert _readme_command("Test") in _ci_commands(), ".ci/run must run the README's test command as written"


def test_make_test_installs_the_test_extra_then_runs_ruff_and_pytest():
    recipe = _make_recipe("test")
    assert recipe == ["ruff check .", "pytest"], f"make test runs {recipe}"
    install = _make_recipe("$(VENV)/.installed-test")
    assert any("-m venv" in line for line in install), "make test must build its own virtual environment"
    assert 'python -m pip install -e ".[test]"' in install


def test_the_pip_route_beside_make_runs_the_same_commands():
    commands = _readme_commands("Without make")
    assert 'pip install -e ".[test]"' in commands and "lstm-lesson lab" in " ".join(commands)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`ruff check .`" in readme and "`pytest`" in readme


def test_ci_installs_browsers_builds_a_fresh_venv_and_checks_the_wheel():
    ci = ROOT / ".ci" / "run"
    assert os.access(ci, os.X_OK), ".ci/run must be executable"
    commands = _ci_commands()
    assert "set -euo pipefail" in commands
    assert any("apt-get install -y chromium" in c for c in commands)
    assert any("install -y --no-install-recommends npm" in c for c in commands)
    assert any(c.startswith('export VENV="$work/') for c in commands), "make test in a fresh venv outside the checkout"
    order = [commands.index(c) for c in ("make test", ".ci/check-wheel")]
    assert order == sorted(order), "the tests, then the wheel"
    wheel = (ROOT / ".ci" / "check-wheel").read_text(encoding="utf-8")
    for must in ("-m build", "twine\" check --strict", "pip\" install -q \"$work/dist\"/*.whl",
                 "lstm-lesson\" lab lessons --no-browser", "nbconvert --to notebook --execute"):
        assert must in wheel, f".ci/check-wheel lost: {must}"


# ----- notebooks -----------------------------------------------------------------------------
def _notebooks():
    return sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _ids(paths):
    return [str(p.relative_to(NOTEBOOKS)) for p in paths]


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("path", _notebooks(), ids=_ids(_notebooks()))
def test_notebook_is_executed(path):
    """nbval silently passes cells that never ran; every code cell must carry its outputs."""
    unexecuted = [k for k, c in enumerate(_cells(path)) if c["cell_type"] == "code"
                  and c["source"] and c.get("execution_count") is None]
    assert not unexecuted, f"{path.name}: code cells {unexecuted} were never executed (run nbconvert --execute)"


@pytest.mark.parametrize("path", _notebooks(), ids=_ids(_notebooks()))
def test_notebook_cells_have_slide_metadata(path):
    kinds = {"slide", "subslide", "fragment", "skip", "notes", "-"}
    bad = [k for k, c in enumerate(_cells(path))
           if c.get("metadata", {}).get("slideshow", {}).get("slide_type") not in kinds]
    assert not bad, f"{path.name}: cells {bad} have no slideshow.slide_type"


PAIRED = [p for p in _notebooks() if p.with_suffix(".py").exists()]


@pytest.mark.parametrize("path", PAIRED, ids=_ids(PAIRED))
def test_notebook_matches_its_jupytext_source(path):
    """The .py is what authors edit and review; the .ipynb is what nbval checks. They must agree."""
    import jupytext  # in the [test] extra

    py = jupytext.read(path.with_suffix(".py"))
    nb = jupytext.read(path)

    def cells(notebook):
        return [(c.cell_type, c.source.strip(), c.metadata.get("slideshow"), c.metadata.get("tags"))
                for c in notebook.cells]

    assert cells(py) == cells(nb), \
        f"{path.name} differs from {path.with_suffix('.py').name}: run `jupytext --sync` and re-execute"


def test_every_lesson_notebook_has_a_py_source():
    lessons = list(NOTEBOOKS.glob("*.ipynb"))
    unpaired = [p.name for p in lessons if not p.with_suffix(".py").exists()]
    assert not unpaired, f"notebooks without a jupytext .py source: {unpaired}"
    orphans = [p.name for p in NOTEBOOKS.glob("*.py") if not p.with_suffix(".ipynb").exists()]
    assert not orphans, f".py sources without a notebook (run jupytext --sync): {orphans}"
