"""Slide decks for the classroom: one reveal.js deck per notebook, working with no internet.

    python -m lstm_lesson.tools.slides             # offline decks in build/slides/ (run from the repo root)
    python -m lstm_lesson.tools.slides --online    # same decks, libraries from CDNs (no npm needed)

Each ``notebooks/NN_name.ipynb`` becomes ``build/slides/NN_name.slides.html``. The cells'
``slideshow.slide_type`` metadata cuts the slides (slide / subslide / fragment / skip / notes).

Offline (the default) the decks load everything from ``build/slides/vendor/``: reveal.js,
require.js, jQuery, MathJax 2 and the ipywidgets html-manager, fetched once with ``npm pack``
(the tarballs are cached in ``build/npm-cache/``, so later builds need neither npm nor a network).
Open the deck from disk (double click); a classroom projector with no internet shows the slides,
the equations and the widgets as the notebook last drew them (their state is saved in the
notebook by ``jupyter nbconvert --execute``). Widgets in a deck have no kernel: their sliders move
but redraw nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from . import editions

# The versions nbconvert 7's reveal template was written for (reveal.js 4, MathJax 2) and the
# html-manager that renders ipywidgets 8 state.
VENDOR = {
    "reveal.js": "4.0.2",
    "requirejs": "2.1.10",
    "jquery": "2.1.4",
    "@jupyter-widgets/html-manager": "1.0.15",
    "mathjax": "2.7.7",
}

# Parts of the npm packages a deck never loads (MathJax's unminified copy, its tests and the
# fonts of the other five font families; source maps). Leaving them out keeps build/ small.
SKIP_PREFIXES = {
    "mathjax": ("unpacked/", "test/", "fonts/HTML-CSS/Asana-Math/", "fonts/HTML-CSS/Gyre-Pagella/",
                "fonts/HTML-CSS/Gyre-Termes/", "fonts/HTML-CSS/Latin-Modern/", "fonts/HTML-CSS/Neo-Euler/",
                "fonts/HTML-CSS/STIX-Web/"),
}
SKIP_SUFFIXES = (".map",)

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# The reveal template imports mermaid.js from a CDN on every deck; the series draws no mermaid
# diagrams, so the offline decks drop that one import instead of vendoring a 3 MB library.
OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


class VendorError(RuntimeError):
    """The offline libraries could not be fetched (no npm, or npm could not reach its registry)."""


def tarball_name(package: str, version: str) -> str:
    """The file name ``npm pack`` gives a package: ``@scope/name`` -> ``scope-name-1.0.0.tgz``."""
    return f"{package.lstrip('@').replace('/', '-')}-{version}.tgz"


def vendor_dir_name(package: str) -> str:
    """The folder under vendor/ that holds a package: its name without the npm scope."""
    return package.rsplit("/", 1)[-1]


def fetch_tarballs(cache_dir: Path) -> dict[str, Path]:
    """Make sure ``cache_dir`` holds the npm tarball of every package in VENDOR; returns their paths.

    Runs ``npm pack`` only for the missing ones. Raises VendorError (with what to do) if npm is
    missing or fails.
    """
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    paths = {pkg: cache_dir / tarball_name(pkg, ver) for pkg, ver in VENDOR.items()}
    missing = [f"{pkg}@{VENDOR[pkg]}" for pkg, path in paths.items() if not path.is_file()]
    if missing:
        npm = shutil.which("npm")
        if npm is None:
            raise VendorError(
                "Offline slides need npm once, to fetch reveal.js, require.js, jQuery, MathJax and the widget "
                f"html-manager ({', '.join(missing)}) into {cache_dir}. Install Node.js (which brings npm), or "
                "build decks that load these libraries from CDNs instead: python -m lstm_lesson.tools.slides --online")
        # cwd, not --pack-destination: works with every npm version.
        result = subprocess.run([npm, "pack", "--silent", *missing], cwd=cache_dir, capture_output=True, text=True)
        still_missing = [path.name for path in paths.values() if not path.is_file()]
        if result.returncode != 0 or still_missing:
            raise VendorError(
                f"npm pack {' '.join(missing)} failed (exit {result.returncode}); missing {still_missing}.\n"
                f"{result.stderr.strip()}\nWith no access to the npm registry, build with --online, or copy "
                f"the tarballs into {cache_dir} from a machine that has it.")
    return paths


def unpack(tarball: Path, dest: Path, package: str) -> int:
    """Unpack an npm tarball's ``package/`` folder into ``dest``; returns the number of files written.

    Only regular files are written, and only inside ``dest`` (no links, no ``..``).
    """
    skip = SKIP_PREFIXES.get(package, ())
    count = 0
    with tarfile.open(tarball, "r:gz") as tar:
        for member in tar.getmembers():
            parts = Path(member.name).parts
            if not member.isfile() or len(parts) < 2 or ".." in parts or Path(member.name).is_absolute():
                continue
            relative = "/".join(parts[1:])  # drop npm's top folder ("package")
            if relative.startswith(skip) or relative.endswith(SKIP_SUFFIXES):
                continue
            target = dest / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
            count += 1
    return count


def vendor(out_dir: Path, cache_dir: Path) -> Path:
    """Put the deck libraries into ``out_dir/vendor`` (from the npm cache); returns that folder.

    A ``versions.json`` stamp makes a second build with the same versions skip the unpacking.
    """
    vendor_root = Path(out_dir) / "vendor"
    stamp = vendor_root / "versions.json"
    if stamp.is_file() and json.loads(stamp.read_text()) == VENDOR:
        return vendor_root
    tarballs = fetch_tarballs(cache_dir)
    for package, tarball in tarballs.items():
        dest = vendor_root / vendor_dir_name(package)
        if dest.exists():
            shutil.rmtree(dest)
        unpack(tarball, dest, package)
    stamp.write_text(json.dumps(VENDOR, indent=1) + "\n")
    return vendor_root


def exporter_options(online: bool) -> dict:
    """The SlidesExporter settings: vendored files (relative to the deck) or nbconvert's CDN defaults."""
    # white: its fonts ship with reveal.js (nbconvert's default theme, simple, fetches Google fonts);
    # scroll: a long code slide scrolls instead of overflowing the projector.
    options = {"reveal_theme": "white", "reveal_scroll": True, "reveal_number": "c/t"}
    if online:
        return options
    return options | {
        "reveal_url_prefix": "vendor/reveal.js",
        "require_js_url": "vendor/requirejs/require.js",
        "jquery_url": "vendor/jquery/dist/jquery.min.js",
        "mathjax_url": "vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
        "widget_renderer_url": "vendor/html-manager/dist/embed-amd.js",
    }


# Cells tagged with this show only their output in a deck: setup, checks and plotting code teach
# nothing from a projector, their printed sentence or figure does. The notebook still shows the code.
HIDE_INPUT_TAG = "hide-input"

# A deck shows the code that teaches and hides the code that only draws: a cell whose lines are
# mostly matplotlib calls (plt., ax., fig.) shows its figure without its code, and so does a cell
# tagged "hide-input" or "remove-input" (Jupyter Book's tags). The notebook itself keeps all code.
PLOT_LINE = re.compile(r"^\s*(_\s*=\s*)?(plt|ax\w*|axes|fig)\b[.\[,]")
HIDE_INPUT_TAGS = {HIDE_INPUT_TAG, "remove-input"}


def hides_code_in_deck(cell: dict) -> bool:
    """True for a code cell whose code a deck leaves out (see PLOT_LINE, HIDE_INPUT_TAGS)."""
    if cell.get("cell_type") != "code":
        return False
    if HIDE_INPUT_TAGS & set(cell.get("metadata", {}).get("tags", [])):
        return True
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    lines = [line for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    has_output = bool(cell.get("outputs"))
    return has_output and bool(lines) and sum(bool(PLOT_LINE.match(line)) for line in lines) >= 0.5 * len(lines)


def _hide_drawing_code(nb, resources):
    """nbconvert preprocessor: mark the cells whose code a deck hides (nbconvert's transient.remove_source)."""
    for cell in nb.cells:
        if hides_code_in_deck(cell):
            cell.metadata.setdefault("transient", {})["remove_source"] = True
    return nb, resources


def make_exporter(online: bool = False):
    """A configured nbconvert SlidesExporter (offline: local libraries and no mermaid import).

    Cells tagged ``HIDE_INPUT_TAG`` keep their output and lose their code in the deck."""
    import jinja2
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    config = Config({"TagRemovePreprocessor": {"enabled": True, "remove_input_tags": {HIDE_INPUT_TAG}}})
    options = exporter_options(online)
    if online:
        exporter = SlidesExporter(config=config, **options)
    else:
        loader = jinja2.DictLoader({"lstm_lesson_offline.html.j2": OFFLINE_TEMPLATE})
        exporter = SlidesExporter(config=config, extra_loaders=[loader], template_file="lstm_lesson_offline.html.j2",
                                  **options)
    exporter.register_preprocessor(_hide_drawing_code, enabled=True)  # plotting cells, untagged too
    return exporter


def widget_problems(nb: dict) -> list[str]:
    """Why a deck of this notebook (a dict, as in the .ipynb) would show "Error displaying widget".

    Empty when every widget view in the outputs has its model saved in ``metadata.widgets``
    (``jupyter nbconvert --execute`` saves it; "Save Widget State" in JupyterLab does too).
    """
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    views = [output["data"][WIDGET_VIEW]["model_id"]
             for cell in nb.get("cells", []) if cell.get("cell_type") == "code"
             for output in cell.get("outputs", []) if WIDGET_VIEW in output.get("data", {})]
    if views and not state:
        return [f"{len(views)} widget view(s) but no saved widget state in metadata.widgets "
                "(re-execute with jupyter nbconvert --execute --inplace)"]
    lost = [model_id for model_id in views if model_id not in state]
    return [f"{len(lost)} widget view(s) whose model is not in the saved state: {lost[:3]}"] if lost else []


def build_deck(notebook: Path, out_dir: Path, exporter) -> Path:
    """Write ``out_dir/NAME.slides.html`` for one notebook; returns its path."""
    import nbformat

    notebook = Path(notebook)
    nb = nbformat.read(notebook, as_version=4)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": notebook.stem}})
    if editions.language_of(notebook) == "zh":  # the browser then picks Simplified Chinese glyphs
        body = body.replace('<html lang="en">', '<html lang="zh-CN">', 1)
    deck = Path(out_dir) / f"{notebook.stem}.slides.html"
    deck.write_text(body, encoding="utf-8")
    return deck


def build_all(notebooks_dir: Path = Path("notebooks"), out_dir: Path = Path("build/slides"), *,
              online: bool = False, cache_dir: Path = Path("build/npm-cache"), log=print) -> list[Path]:
    """Build a deck for every ``notebooks_dir/*.ipynb`` into ``out_dir``; returns the deck paths.

    Offline (the default) also fills ``out_dir/vendor`` (see ``vendor``); raises VendorError if
    npm is needed and missing. ``log`` receives one line per deck and any widget-state problem.
    """
    notebooks = sorted(Path(notebooks_dir).glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"notebooks_dir: expected a folder with .ipynb files, got {notebooks_dir!s} "
                                "(run from the repository root or pass --notebooks)")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not online:
        vendor(out_dir, cache_dir)
    exporter = make_exporter(online)
    decks = []
    for notebook in notebooks:
        deck = build_deck(notebook, out_dir, exporter)
        decks.append(deck)
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        log(f"{deck}  ({count_slides(nb)} slides)")
        for problem in widget_problems(nb):
            log(f"  warning: {notebook.name}: {problem}")
    return decks


def count_slides(nb: dict) -> int:
    """How many slides (slide + subslide starts) reveal shows for a notebook dict.

    nbconvert makes the first cell that is not skip/notes start a slide whatever its type.
    """
    types = [cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") for cell in nb.get("cells", [])]
    visible = [t for t in types if t not in ("skip", "notes")]
    starts = sum(t in ("slide", "subslide") for t in visible)
    return starts + (1 if visible and visible[0] not in ("slide", "subslide") else 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lstm-lesson slides", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--online", action="store_true",
                        help="load reveal.js, MathJax, ... from CDNs (needs internet when shown; no npm needed)")
    parser.add_argument("--notebooks", type=Path, default=None,
                        help="folder of .ipynb files (default: the installed lessons, or notebooks/ of a clone)")
    parser.add_argument("--out", type=Path, default=None, help="where the decks go (default: build/slides, "
                        "the Chinese edition's build/slides/zh)")
    editions.add_lang_option(parser)
    parser.add_argument("--cache", type=Path, default=Path("build/npm-cache"), help="npm tarball cache")
    args = parser.parse_args(argv)
    if args.notebooks is None:
        args.notebooks = editions.lessons_dir(args.lang)
    if args.out is None:
        args.out = Path("build/slides") / editions.LANGUAGES[args.lang]
    try:
        decks = build_all(args.notebooks, args.out, online=args.online, cache_dir=args.cache)
    except (VendorError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    mode = "online (CDN)" if args.online else f"offline (libraries in {args.out / 'vendor'})"
    print(f"{len(decks)} decks, {mode}. Open one in a browser, e.g. {decks[0].resolve().as_uri()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
