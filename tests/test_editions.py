"""The student and teacher editions (lstm-lesson student / teacher), of both the English lessons and
the Chinese ones (``--lang zh``; the checks of the student edition run on both).

- every exercise heading has its worked solution found (the marking rules in tools/editions.py);
- the student edition has no solution cell, no line of solution code that the lesson does not
  show elsewhere, no speaker notes, no self-check output, a place to answer every exercise, and
  no cell that uses a name only a solution defined; one lesson (02) is executed: it runs without an
  error and its stubs print "Not yet";
- the teacher edition keeps the solutions (opened) and the speaker notes, and passes nbval on
  lessons 00 and 02 (the two quickest; the other lessons differ from theirs only in cell metadata
  the same way, and plain `pytest` runs nbval on all of them in notebooks/).
"""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lstm_lesson.tools import editions

ROOT = Path(__file__).resolve().parent.parent
# both editions: the Chinese lessons (notebooks/zh/) are cut the same way, found by 练习 headings
LESSONS_EN = editions.lesson_paths()
LESSONS = LESSONS_EN + editions.lesson_paths("zh")
IDS = [("zh_" if editions.language_of(p) == "zh" else "") + p.stem for p in LESSONS]
WITH_EXERCISES = [p for p in LESSONS if editions.exercises(editions.read(p))]
WITH_EXERCISES_IDS = [IDS[LESSONS.index(p)] for p in WITH_EXERCISES]


def edition_file(root: Path, path: Path) -> Path:
    """The student edition's copy of lesson ``path``: ``root/notebooks`` (English), ``root/zh/notebooks``."""
    return root / editions.LANGUAGES[editions.language_of(path)] / "notebooks" / path.name


def code_lines(text: str) -> set[str]:
    """The lines of a cell, without trailing comments, that carry code (blank lines, lone brackets out)."""
    lines = {re.sub(r"\s+#[^\"']*$", "", line).strip() for line in text.splitlines()}
    return {line for line in lines if len(line) > 3}


def free_names(code: str) -> set[str]:
    """Names a cell reads but binds nowhere in itself (not even as a local or an argument)."""
    tree = ast.parse(code)
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments)
              for a in n.args + n.kwonlyargs + n.posonlyargs + [n.vararg, n.kwarg] if a is not None}
    return loaded - bound


def test_the_series_has_exercises():
    assert len(WITH_EXERCISES) >= 6, f"only {len(WITH_EXERCISES)} lessons have exercises"


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_every_exercise_has_its_solution_found(path):
    nb = editions.read(path)
    for exercise in editions.exercises(nb):
        assert exercise.solutions, (f"{path.name}: {exercise.title!r} (cell {exercise.heading}) has no worked "
                                    "solution found: mark it with jupyter.source_hidden or a '# Worked solution' line")


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_every_solution_belongs_to_an_exercise(path):
    nb = editions.read(path)
    inside = {k for exercise in editions.exercises(nb) for k in exercise.solutions}
    stray = [k for k in editions.solution_cells(nb) if k not in inside]
    assert not stray, f"{path.name}: solution cells {stray} are under no '### Exercise' heading"


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    editions.write_student_edition(out, log=lambda _: None)
    editions.write_student_edition(out / "zh", lang="zh", log=lambda _: None)
    return out


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=WITH_EXERCISES_IDS)
def test_student_edition_has_no_solution(student, path):
    original = editions.read(path)
    text = edition_file(student, path).read_text(encoding="utf-8")
    nb = json.loads(text)
    assert not [k for k, c in enumerate(nb["cells"]) if editions.is_solution(c)], "a solution cell is left"
    solutions = editions.solution_cells(original)
    shown_elsewhere = set().union(*[code_lines(editions.source(c)) for k, c in enumerate(original["cells"])
                                    if k not in solutions])
    secret = set().union(*[code_lines(editions.source(original["cells"][k])) for k in solutions]) - shown_elsewhere
    assert secret, "the solutions have no line of their own: the comparison below would check nothing"
    kept_lines = set().union(*[code_lines(editions.source(c)) for c in nb["cells"]])
    leaked = sorted(secret & kept_lines)
    assert not leaked, f"solution code in the student edition: {leaked[:3]}"
    rest = json.dumps({**nb, "cells": [{k: v for k, v in c.items() if k != "source"} for c in nb["cells"]]})
    leaked_anywhere = sorted(line for line in secret if json.dumps(line)[1:-1] in rest)
    assert not leaked_anywhere, f"solution code in the student file (outputs or metadata): {leaked_anywhere[:3]}"


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_student_edition_has_no_folded_answer(student, path):
    original = editions.read(path)
    text = edition_file(student, path).read_text(encoding="utf-8")
    nb = json.loads(text)
    assert not [c for c in nb["cells"] if c["metadata"].get("jupyter", {}).get("source_hidden")], "a folded cell left"
    for cell in original["cells"]:
        if editions.is_hidden_answer(cell):
            answer = editions.source(cell).strip()
            assert answer[:60] not in editions.source({"source": "\n".join(editions.source(c) for c in nb["cells"])})


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=WITH_EXERCISES_IDS)
def test_student_edition_uses_no_name_that_only_a_solution_defined(student, path):
    original = editions.read(path)
    solutions = editions.solution_cells(original)
    nb = editions.read(edition_file(student, path))
    kept_defs = set().union(*[editions.defined_names(editions.source(c)) for c in nb["cells"]
                              if c["cell_type"] == "code"])
    secret_names = set().union(*[editions.defined_names(editions.source(original["cells"][k]))
                                 for k in solutions]) - kept_defs
    used = set().union(*[free_names(editions.source(c)) for c in nb["cells"] if c["cell_type"] == "code"])
    assert not (used & secret_names), f"cells use names only a removed solution defined: {used & secret_names}"


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=WITH_EXERCISES_IDS)
def test_student_edition_has_a_place_to_answer_and_no_verdicts_or_notes(student, path):
    nb = editions.read(edition_file(student, path))
    assert not [c for c in nb["cells"] if editions.is_notes(c)], "speaker notes in the student edition"
    verdicts = [k for k, c in enumerate(nb["cells"]) if editions.calls_check(c) and c["outputs"]]
    assert not verdicts, f"self-check outputs left in cells {verdicts}"
    exercises = editions.exercises(nb)
    assert len(exercises) == len(editions.exercises(editions.read(path)))
    for exercise in exercises:
        code = [k for k in exercise.cells if nb["cells"][k]["cell_type"] == "code"]
        assert any(editions.calls_check(nb["cells"][k]) for k in code), f"{exercise.title}: nowhere to answer"


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=WITH_EXERCISES_IDS)
def test_student_edition_does_not_promise_solutions(student, path):
    nb = editions.read(edition_file(student, path))
    text = "\n".join(editions.source(c) for c in nb["cells"][1:] if c["cell_type"] == "markdown")
    if editions.language_of(path) == "zh":
        promises = [s for s in editions.SOLUTION_SENTENCE_ZH.findall(text) if editions.ABOUT_SOLUTIONS_ZH.search(s)]
    else:
        promises = [s for s in re.split(r"(?<=[.!?])\s+", text)
                    if re.search(r"\bsolutions?\b", s, re.I) and editions.ABOUT_SOLUTIONS.search(s)]
    assert not promises, f"the student edition still points to the worked solutions: {promises[:2]}"


def test_dropping_solution_sentences_keeps_the_rest():
    text = ("## Exercises\n\nEach exercise has a check. A worked solution follows each exercise in a collapsed\n"
            "cell: open it on purpose. (The checks below run on those solutions.)\n\n### Exercise 1: x\n")
    expected = "## Exercises\n\nEach exercise has a check.\n\n### Exercise 1: x\n"
    assert editions.without_solution_sentences(text) == expected
    unrelated = "The LSTM is one solution to the vanishing gradient.\n"
    assert editions.without_solution_sentences(unrelated) == unrelated


def test_a_stub_defines_the_function_the_exercise_asks_for():
    nb = editions.read(next(p for p in LESSONS_EN if p.name.startswith("01_")))
    stubs = [editions.source(c) for c in editions.student_notebook(nb)["cells"] if "Your answer:" in editions.source(c)]
    assert stubs and any(s.splitlines()[2].startswith("def ") for s in stubs), stubs
    for stub in stubs:
        compile(stub, "stub", "exec")  # valid Python the student can run as it is


def test_student_edition_of_lesson_02_runs_and_its_stubs_say_not_yet(student):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(student / "notebooks" / "02_lstm_gates.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(student / "notebooks")}}).execute()
    stubs = [c for c in nb.cells if c.cell_type == "code" and "Your answer:" in c.source]
    assert stubs
    for cell in stubs:
        printed = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
        assert printed.startswith("Not yet"), f"a stub's check printed {printed!r}"
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") == "error"]
    assert not errors, errors[:1]


# ----- the teacher edition -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def teacher(tmp_path_factory):
    out = tmp_path_factory.mktemp("teacher")
    editions.write_teacher_edition(out, log=lambda _: None)
    return out


def test_teacher_edition_has_the_solutions_opened_and_the_notes(teacher):
    notes = (teacher / "speaker_notes.md").read_text(encoding="utf-8")
    for path in LESSONS_EN:
        original, nb = editions.read(path), editions.read(teacher / "notebooks" / path.name)
        assert [editions.source(c) for c in nb["cells"]] == [editions.source(c) for c in original["cells"]]
        assert len(editions.solution_cells(nb)) == len(editions.solution_cells(original))
        assert not any(c["metadata"].get("jupyter", {}).get("source_hidden") for c in nb["cells"])
        for note in editions.speaker_notes(original):
            assert note in notes
    assert (teacher / "teachers.md").is_file()
    assert (teacher / "student" / "notebooks" / LESSONS_EN[1].name).is_file()
    assert (teacher / "assets").is_dir() and (teacher / "student" / "assets").is_dir()


def test_teacher_edition_passes_nbval(teacher, tmp_path):
    """nbval on lessons 00 and 02 of the teacher edition, with the repository's sanitizer and warnings as errors."""
    ini = tmp_path / "pytest.ini"
    ini.write_text("[pytest]\nfilterwarnings =\n    error\n    ignore::DeprecationWarning:matplotlib\\..*\n",
                   encoding="utf-8")
    chosen = [str(teacher / "notebooks" / p.name) for p in LESSONS_EN if p.name[:2] in ("00", "02")]
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", str(ini),
                             "--rootdir", str(tmp_path), "--nbval", "--nbval-current-env",
                             "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"), *chosen],
                            capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
