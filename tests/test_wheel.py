"""What the wheel carries: every package folder, and the lessons, assets and guide as package data.

Building and installing the wheel takes a fresh environment and a minute or two: `.ci/check-wheel`
(`make wheel-check`, run by .ci/run) does that. These tests check the declarations it relies on.
"""

import re
from pathlib import Path

import pytest

from lstm_lesson.tools import editions

ROOT = Path(__file__).resolve().parent.parent


def _setuptools_table():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_package_folder_is_in_the_wheel():
    """pyproject.toml lists packages by hand (the data folders need it): a new subpackage must be added."""
    table = _setuptools_table()
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "lstm_lesson").rglob("__init__.py")}
    mapped = set(table["package-dir"])
    assert set(table["packages"]) == on_disk | mapped, "update [tool.setuptools] packages in pyproject.toml"


def test_the_data_folders_map_to_what_the_command_reads():
    table = _setuptools_table()
    for package, folder in table["package-dir"].items():
        key = package.split(".")[-1]
        assert editions.RESOURCE_FOLDERS[key] == folder
        assert (ROOT / folder).is_dir()
        patterns = table["package-data"][package]
        assert any(list((ROOT / folder).glob(pattern)) for pattern in patterns), f"{folder}: nothing matches"


def test_the_lessons_and_the_guide_are_found():
    assert [p.name[:2] for p in editions.lesson_paths()] == [f"{n:02d}" for n in range(len(editions.lesson_paths()))]
    assert (editions.resource_dir("docs") / "teachers.md").is_file()
    assert list(editions.resource_dir("assets").glob("*.svg"))
    with pytest.raises(ValueError, match="key: expected one of"):
        editions.resource_dir("solutions")


def test_version_and_changelog_agree():
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)[1]
    assert version == "0.2.0"
    assert f"## {version}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
