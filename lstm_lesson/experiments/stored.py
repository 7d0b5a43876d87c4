"""Where the stored results and fixtures live: ``assets/`` of the repository, or of the wheel.

A lesson finds its data through ``asset_path`` rather than a path relative to the notebook, so the
English lessons (``notebooks/``), the Chinese ones (``notebooks/zh/``) and a learner's own copy all
read the same files.
"""

from __future__ import annotations

from pathlib import Path

from ..core.language import say


def assets_dir() -> Path:
    """The series' ``assets`` folder: ``lstm_lesson/assets`` in an installed wheel, else the
    repository's ``assets`` (the folder above the package that holds ``pyproject.toml``)."""
    package = Path(__file__).resolve().parents[1]
    if (package / "assets").is_dir():
        return package / "assets"
    for parent in package.parents:
        if (parent / "assets").is_dir() and (parent / "pyproject.toml").is_file():
            return parent / "assets"
    raise FileNotFoundError(say("assets/: not found above the package. The stored results ship with the repository "
                                "and the wheel: reinstall lstm-lesson, or install it editable from a clone "
                                "(pip install -e .)",
                                "assets/：在包的上级目录中找不到。存储的结果随仓库和 wheel 一起发布：请重新安装 "
                                "lstm-lesson，或从克隆的仓库以可编辑方式安装（pip install -e .）"))



def asset_path(*parts: str) -> Path:
    """``assets/<parts...>``, e.g. ``asset_path("results", "char_race.json")``."""
    return assets_dir().joinpath(*parts)
