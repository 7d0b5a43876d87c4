"""The learner's own copy of the lessons: create it, update it without losing work, reset one lesson.

A workspace mirrors the repository's layout: ``notebooks/`` (the lessons, the learner's to change),
``assets/`` (the stored results and figures the lessons read as ``../assets/...``) and
``.lstm-lesson.json``, which records the SHA-256 of every lesson as it was copied. That record is
how a later ``lstm-lesson lab`` tells a
file the learner changed (kept; replaced only if the learner says yes) from one nobody touched
(updated to the installed version of the series).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

from . import editions

MANIFEST = ".lstm-lesson.json"
DEFAULT_DIR = Path("lstm-lesson-notebooks")


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_manifest(workspace: Path) -> dict:
    try:
        return json.loads((Path(workspace) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"files": {}}


def write_manifest(workspace: Path, manifest: dict) -> None:
    (Path(workspace) / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def backup_name(path: Path, stamp: str | None = None) -> Path:
    """``notebooks/01_rnn_memory.ipynb`` -> ``notebooks/backups/01_rnn_memory.20260101-120000.ipynb``."""
    stamp = stamp or time.strftime("%Y%m%d-%H%M%S")
    target = path.parent / "backups" / f"{path.stem}.{stamp}{path.suffix}"
    n = 1
    while target.exists():  # two resets within a second
        target = path.parent / "backups" / f"{path.stem}.{stamp}-{n}{path.suffix}"
        n += 1
    return target


def lessons_folder(workspace: Path, lang: str = "en") -> Path:
    """Where the ``lang`` edition's lessons go: ``notebooks/`` (English) or ``notebooks/zh/`` (中文),
    the repository's own layout."""
    return Path(workspace) / "notebooks" / editions.LANGUAGES[lang]


def _key(name: str, lang: str) -> str:
    """A lesson's key in the manifest: its file name, ``zh/<name>`` in the Chinese edition."""
    return name if lang == "en" else f"{editions.LANGUAGES[lang]}/{name}"


def sync(workspace: Path = DEFAULT_DIR, *, ask=None, log=print, lang: str = "en") -> dict[str, str]:
    """Copy the ``lang`` edition's lessons into ``workspace``; returns {file name: what happened}.

    What happens to each lesson file:
      "copied"    it was missing;
      "unchanged" identical to the series' version;
      "updated"   the learner never changed it and the series has a newer version;
      "kept"      the learner changed it: kept, unless ``ask(question)`` returns True, then
      "replaced"  with the learner's copy moved to backups/ first.
    ``ask`` is None when nobody can answer (no terminal): changed files are always kept.
    """
    workspace = Path(workspace)
    folder = lessons_folder(workspace, lang)
    folder.mkdir(parents=True, exist_ok=True)
    copy_assets(workspace / "assets")
    manifest = read_manifest(workspace)
    record = manifest.setdefault("files", {})
    report = {}
    for source in editions.lesson_paths(lang):
        target = folder / source.name
        key = _key(source.name, lang)
        new = sha256(source)
        if not target.exists():
            shutil.copyfile(source, target)
            report[source.name] = "copied"
        else:
            current = sha256(target)
            if current == new:
                report[source.name] = "unchanged"
            elif current == record.get(key):
                shutil.copyfile(source, target)
                report[source.name] = "updated"
            elif ask is not None and ask(f"{target} has changes of yours and the series has a different version. "
                                         "Replace it (your copy goes to backups/)? [y/N] "):
                backup = backup_name(target)
                backup.parent.mkdir(exist_ok=True)
                shutil.move(target, backup)
                shutil.copyfile(source, target)
                report[source.name] = "replaced"
                log(f"  your copy: {backup}")
            else:
                report[source.name] = "kept"
                continue  # the record keeps the version the learner started from
        record[key] = new
    write_manifest(workspace, manifest)
    return report


def copy_assets(target: Path) -> int:
    """Copy the series' assets (stored results, fixtures, figures) into ``target``; returns files written.

    Data the lessons read, not the learner's work: a file that differs is replaced.
    """
    source = editions.resource_dir("assets")
    written = 0
    for path in sorted(p for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and p.name != "__init__.py"):
        dest = Path(target) / path.relative_to(source)
        if not dest.is_file() or dest.read_bytes() != path.read_bytes():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
            written += 1
    return written


def reset(lesson: str, workspace: Path = DEFAULT_DIR, lang: str = "en") -> tuple[Path, Path | None]:
    """Restore lesson ``lesson`` ("01" or "1") in ``workspace`` to the series' version.

    Returns (the restored notebook, the backup of the learner's copy or None if there was none
    or it was unchanged). Raises ValueError for an unknown lesson number.
    """
    (source,) = editions.select_lessons([lesson], lang)
    workspace = Path(workspace)
    lessons_folder(workspace, lang).mkdir(parents=True, exist_ok=True)
    copy_assets(workspace / "assets")
    target = lessons_folder(workspace, lang) / source.name
    backup = None
    if target.exists() and sha256(target) != sha256(source):
        backup = backup_name(target)
        backup.parent.mkdir(exist_ok=True)
        shutil.move(target, backup)
    shutil.copyfile(source, target)
    manifest = read_manifest(workspace)
    manifest.setdefault("files", {})[_key(source.name, lang)] = sha256(source)
    write_manifest(workspace, manifest)
    return target, backup
