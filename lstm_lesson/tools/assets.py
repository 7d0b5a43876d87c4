"""Figures for handouts and the README: the series' diagrams written to ``assets/`` as SVG and PNG.

    python -m lstm_lesson.tools.assets            # (re)writes assets/NAME.svg and assets/NAME.png

The drawings are the package's own (``lstm_lesson.classroom.diagrams``, ``lstm_lesson.classroom.widgets.batch_grid``),
the same functions the notebooks and widgets call, so a handout can never drift from the lesson.
``FIGURES`` lists them: name -> (module, function, keyword arguments, caption).

SVG is the source of truth: the drawing functions return deterministic SVG text, so the files are
byte-identical on every machine (tests/test_assets.py regenerates and compares them).
PNG twins are screenshots of the SVG in headless Chromium at 2x (for word processors and slides
that do not take SVG). Font rasterisation differs between machines, so PNG pixels are not
compared; instead each PNG carries the SHA-256 of the SVG it was rendered from (a PNG text chunk),
which lets the test prove every PNG is the picture of the current SVG. Without Chromium the
command writes the SVGs and says which PNGs it could not render. For the Chinese gate names,
install a CJK font first (Debian/Ubuntu: ``apt-get install fonts-noto-cjk``).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

from . import editions

# A short text whose batching fits on one handout page: 47 characters, 3 rows of 5 steps, 3 batches.
BATCH_GRID_TEXT = "the cat sat on the mat. the dog sat on the log."

FIGURES: dict[str, tuple[str, str, dict, str]] = {
    "unrolled_rnn": ("lstm_lesson.classroom.diagrams", "unrolled_rnn_svg", {},
                     "A recurrent cell unrolled in time: one set of weights, a state passed along."),
    "lstm_cell": ("lstm_lesson.classroom.diagrams", "lstm_cell_svg", {},
                  "The LSTM cell, gates named i, f, g, o and the notes' learn / forget / remember / use."),
    "gru_cell": ("lstm_lesson.classroom.diagrams", "gru_cell_svg", {},
                 "The GRU cell: reset and update gates, no separate memory c."),
    "peephole_cell": ("lstm_lesson.classroom.diagrams", "peephole_cell_svg", {},
                      "The LSTM with peephole connections: the gates also look at c."),
    "batch_grid": ("lstm_lesson.classroom.widgets.batch_grid", "batch_grid_svg",
                   {"text": BATCH_GRID_TEXT, "batch_size": 3, "n_steps": 5},
                   "One text cut into batches: rows continue across batches, so the state is carried."),
}

PNG_SCALE = 2  # device pixels per SVG pixel: sharp on paper and on a projector
PNG_KEY = "Source-SVG-SHA256"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--mute-audio")


def figure_function(name: str):
    """The drawing function of figure ``name``, or None if its module does not define it (yet)."""
    if name not in FIGURES:
        raise ValueError(f"name: expected one of {sorted(FIGURES)}, got {name!r}")
    module_name, function_name, _, _ = FIGURES[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name != module_name:
            raise  # the module exists but one of its imports is broken: that is a bug to see
        return None
    return getattr(module, function_name, None)


def figure_svg(name: str) -> str:
    """The SVG text of figure ``name`` (ending in one newline), as the drawing function returns it."""
    function = figure_function(name)
    if function is None:
        module_name, function_name, _, _ = FIGURES[name]
        raise LookupError(f"figure {name!r}: {module_name}.{function_name} does not exist")
    svg = function(**FIGURES[name][2])
    if not isinstance(svg, str) or "<svg" not in svg:
        raise TypeError(f"figure {name!r}: expected SVG text from {FIGURES[name][1]}, got {type(svg).__name__}")
    return svg.rstrip("\n") + "\n"


def svg_size(svg: str) -> tuple[int, int]:
    """The (width, height) in pixels from the root element's width/height attributes, rounded up."""
    root = re.search(r"<svg\b[^>]*>", svg)
    sizes = [re.search(rf'\s{attr}="([0-9.]+)(px)?"', root.group(0)) if root else None for attr in ("width", "height")]
    if not all(sizes):
        raise ValueError("svg: expected a root <svg> element with numeric width and height, got none")
    return tuple(int(-(-float(m.group(1)) // 1)) for m in sizes)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, data) chunks of PNG bytes; raises ValueError on anything that is not a PNG."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("png: expected PNG bytes, got a file without the PNG signature")
    chunks, pos = [], len(PNG_SIGNATURE)
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        chunks.append((png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]))
        pos += 12 + length
    return chunks


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header chunk."""
    kind, data = png_chunks(png)[0]
    return struct.unpack(">II", data[:8])


def png_text(png: bytes) -> dict[str, str]:
    """A PNG's tEXt chunks as a dict (keyword -> text)."""
    return dict(data.decode("latin-1").split("\0", 1) for kind, data in png_chunks(png) if kind == b"tEXt")


def with_text(png: bytes, key: str, value: str) -> bytes:
    """PNG bytes with one tEXt chunk ``key`` set to ``value``, placed right after the header."""
    chunks = [(k, d) for k, d in png_chunks(png) if not (k == b"tEXt" and d.split(b"\0", 1)[0] == key.encode())]
    chunks.insert(1, (b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1")))
    return PNG_SIGNATURE + b"".join(_chunk(k, d) for k, d in chunks)


def find_chromium(explicit: str | None = None) -> str | None:
    """Chromium's path: ``explicit``, else $LSTM_LESSON_CHROMIUM, else the first browser on PATH."""
    for candidate in (explicit, os.environ.get("LSTM_LESSON_CHROMIUM"), *CHROMIUM_NAMES):
        if candidate and (path := shutil.which(candidate)):
            return path
    return None


def render_png(svg: str, chromium: str, scale: int = PNG_SCALE) -> bytes:
    """Screenshot of the SVG at ``scale`` device pixels per pixel, stamped with the SVG's SHA-256."""
    width, height = svg_size(svg)
    with tempfile.TemporaryDirectory(prefix="lstm_lesson_png_") as tmp:
        source, shot = Path(tmp) / "figure.svg", Path(tmp) / "figure.png"
        source.write_text(svg, encoding="utf-8")
        # A page that holds the SVG at its natural size on white, so transparent parts print white.
        page = Path(tmp) / "page.html"
        page.write_text(f'<!DOCTYPE html><html><body style="margin:0;background:#fff">'
                        f'<img src="figure.svg" width="{width}" height="{height}" style="display:block"></body></html>',
                        encoding="utf-8")
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}",
                   f"--force-device-scale-factor={scale}", f"--window-size={width},{height}",
                   f"--screenshot={shot}", page.as_uri()]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if not shot.is_file():
            raise RuntimeError(f"{chromium} wrote no screenshot (exit {result.returncode}): {result.stderr[-800:]}")
        png = shot.read_bytes()
    return with_text(png, PNG_KEY, sha256(svg))


def png_is_current(png_path: Path, svg: str) -> bool:
    """True if ``png_path`` exists and was rendered from exactly this SVG text."""
    try:
        return png_text(Path(png_path).read_bytes()).get(PNG_KEY) == sha256(svg)
    except (OSError, ValueError):
        return False


def write_assets(out_dir: Path = Path("assets"), *, names=None, png: bool = True, chromium: str | None = None,
                 force_png: bool = False, log=print) -> dict[str, list[Path]]:
    """Write NAME.svg (and NAME.png) for each figure into ``out_dir``; returns {name: paths written}.

    A PNG is re-rendered only when missing or rendered from a different SVG (``force_png`` always).
    Figures whose drawing function does not exist are reported through ``log`` and left out.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    browser = find_chromium(chromium) if png else None
    if png and browser is None:
        log("PNG: no Chromium found (install chromium or pass --chromium PATH); writing SVG only")
    written = {}
    for name in names or FIGURES:
        if figure_function(name) is None:
            module_name, function_name, _, _ = FIGURES[name]
            log(f"{name}: skipped, {module_name}.{function_name} does not exist yet")
            continue
        svg = figure_svg(name)
        svg_path, png_path = out_dir / f"{name}.svg", out_dir / f"{name}.png"
        svg_path.write_text(svg, encoding="utf-8", newline="\n")
        written[name] = [svg_path]
        if browser and (force_png or not png_is_current(png_path, svg)):
            png_path.write_bytes(render_png(svg, browser))
            written[name].append(png_path)
        log(f"{name}: {', '.join(str(p) for p in written[name])}"
            + ("" if len(written[name]) > 1 or not browser else f" ({png_path.name} already current)"))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lstm-lesson assets", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: assets; the Chinese figures: build/assets-zh)")
    editions.add_lang_option(parser, help="the figures' labels: en (English, default) or zh (中文)")
    parser.add_argument("--no-png", action="store_true", help="write the SVG files only")
    parser.add_argument("--force-png", action="store_true", help="re-render every PNG even if current")
    parser.add_argument("--chromium", help="path to Chromium/Chrome for the PNG screenshots")
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"figures to write (default: all of {', '.join(FIGURES)})")
    args = parser.parse_args(argv)
    if unknown := [name for name in args.names if name not in FIGURES]:
        parser.error(f"unknown figure(s) {unknown}; expected some of {list(FIGURES)}")
    from ..core.language import language, set_language

    before = language()
    set_language(args.lang)
    try:
        out = args.out or (Path("assets") if args.lang == "en" else Path("build/assets-zh"))
        write_assets(out, names=args.names or None, png=not args.no_png, chromium=args.chromium,
                     force_png=args.force_png)
    finally:
        set_language(before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
