"""The lstm-lesson command: --help everywhere, the learner's workspace (lab, reset), the editions.

The workspace tests run on a tiny fake series (two notebooks in a temporary folder), so they
check the rules: a missing lesson is copied, an untouched one updated, a changed one kept unless
the learner says yes, and reset keeps the learner's copy in backups/.
"""

import json
import re
from pathlib import Path

import pytest

from lstm_lesson.tools import cli, editions, workspace

ROOT = Path(__file__).resolve().parent.parent
SUBCOMMANDS = ["lab", "reset", "student", "teacher", "slides", "handouts", "assets", "timings", "guide"]


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([command, "--help"])
    assert exit_.value.code == 0
    assert f"lstm-lesson {command}" in capsys.readouterr().out


def test_top_level_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert all(command in out for command in SUBCOMMANDS)


def test_the_entry_point_is_declared():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["lstm-lesson"] == "lstm_lesson.tools.cli:main"


@pytest.fixture
def series(tmp_path, monkeypatch):
    """A fake series of two lessons that the workspace functions read instead of the real one."""
    folder = tmp_path / "series"
    folder.mkdir()
    for name in ("00_intro.ipynb", "01_first.ipynb"):
        (folder / name).write_text(json.dumps({"cells": [], "v": 1}), encoding="utf-8")
    monkeypatch.setattr(editions, "lesson_paths", lambda lang="en": sorted(folder.glob("*.ipynb")))
    return folder


def test_lab_copies_then_keeps_the_learners_changes(series, tmp_path):
    ws = tmp_path / "mine"
    assert workspace.sync(ws, log=lambda _: None) == {"00_intro.ipynb": "copied", "01_first.ipynb": "copied"}
    assert workspace.sync(ws) == {"00_intro.ipynb": "unchanged", "01_first.ipynb": "unchanged"}
    (ws / "notebooks" / "01_first.ipynb").write_text("my work", encoding="utf-8")
    (series / "00_intro.ipynb").write_text(json.dumps({"cells": [], "v": 2}), encoding="utf-8")
    (series / "01_first.ipynb").write_text(json.dumps({"cells": [], "v": 2}), encoding="utf-8")
    assert workspace.sync(ws) == {"00_intro.ipynb": "updated", "01_first.ipynb": "kept"}
    assert (ws / "notebooks" / "01_first.ipynb").read_text(encoding="utf-8") == "my work"
    assert workspace.sync(ws, ask=lambda question: False)["01_first.ipynb"] == "kept"
    questions = []
    report = workspace.sync(ws, ask=lambda question: questions.append(question) or True, log=lambda _: None)
    assert report["01_first.ipynb"] == "replaced" and len(questions) == 1
    backups = list((ws / "notebooks" / "backups").glob("01_first.*.ipynb"))
    assert [b.read_text(encoding="utf-8") for b in backups] == ["my work"]
    assert json.loads((ws / "notebooks" / "01_first.ipynb").read_text(encoding="utf-8"))["v"] == 2


def test_a_deleted_lesson_comes_back(series, tmp_path):
    ws = tmp_path / "mine"
    workspace.sync(ws)
    (ws / "notebooks" / "00_intro.ipynb").unlink()
    assert workspace.sync(ws)["00_intro.ipynb"] == "copied"


def test_reset_restores_and_keeps_a_backup(series, tmp_path, capsys):
    ws = tmp_path / "mine"
    workspace.sync(ws)
    (ws / "notebooks" / "01_first.ipynb").write_text("broken", encoding="utf-8")
    assert cli.main(["reset", "1", "--dir", str(ws)]) == 0
    assert "your copy is in" in capsys.readouterr().out
    assert (ws / "notebooks" / "01_first.ipynb").read_bytes() == (series / "01_first.ipynb").read_bytes()
    assert [b.read_text(encoding="utf-8") for b in (ws / "notebooks" / "backups").iterdir()] == ["broken"]
    assert cli.main(["reset", "01", "--dir", str(ws)]) == 0
    assert "you had not changed it" in capsys.readouterr().out
    assert len(list((ws / "notebooks" / "backups").iterdir())) == 1


def test_reset_of_an_unknown_lesson_names_the_choices(series, tmp_path, capsys):
    assert cli.main(["reset", "42", "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "expected one of ['00', '01']" in err and "'42'" in err


def test_lab_copy_only_prepares_the_real_series(tmp_path, capsys):
    ws = tmp_path / "lessons"
    assert cli.main(["lab", str(ws), "--copy-only"]) == 0
    names = sorted(p.name for p in (ws / "notebooks").glob("*.ipynb"))
    assert names == [p.name for p in editions.lesson_paths()]
    # the lessons read ../assets/...: the workspace has the series' assets beside notebooks/
    assets = editions.resource_dir("assets")
    assert sorted(p.relative_to(assets) for p in assets.rglob("*.json")) == \
        sorted(p.relative_to(ws / "assets") for p in (ws / "assets").rglob("*.json"))
    assert re.search(r"\+ 00_\w+\.ipynb: copied", capsys.readouterr().out)
    assert (ws / workspace.MANIFEST).is_file()


def test_student_and_teacher_commands_write_their_editions(tmp_path):
    assert cli.main(["student", str(tmp_path / "s"), "--lessons", "01"]) == 0
    assert [p.name for p in (tmp_path / "s" / "notebooks").glob("*.ipynb")] == [editions.select_lessons(["01"])[0].name]
    assert (tmp_path / "s" / "assets").is_dir()
    assert cli.main(["teacher", str(tmp_path / "t"), "--lessons", "00", "01"]) == 0
    assert len(list((tmp_path / "t" / "notebooks").glob("*.ipynb"))) == 2
    assert (tmp_path / "t" / "speaker_notes.md").is_file()


def test_an_unknown_lesson_in_an_edition_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["student", str(tmp_path), "--lessons", "99"])
    assert exit_.value.code == 2
    assert "lesson: expected one of" in capsys.readouterr().err


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_teachers_guide_is_current(lang):
    """docs/teachers.md's (and the Chinese docs/teachers.zh-CN.md's) generated tables match
    docs/timings.json and the self-checks' mistake lists."""
    assert cli.main(["guide", "--check", "--lang", lang]) == 0, f"run: python -m lstm_lesson.tools.guide --lang {lang}"


def test_the_guide_has_a_section_and_minutes_for_every_lesson():
    from lstm_lesson.tools import guide

    text = (ROOT / "docs" / "teachers.md").read_text(encoding="utf-8")
    for path in editions.lesson_paths():
        number = path.name[:2]
        assert re.search(rf"^## {number} · ", text, re.M), f"no section for lesson {number}"
        assert f"| {path.stem} |" in text, f"no minutes for {path.stem}"
        if guide.misconceptions(number):
            assert f"<!-- BEGIN GENERATED: misconceptions-{number} -->" in text
    assert "nbgitpuller" in text and "environment.yml" in text
