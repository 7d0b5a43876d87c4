"""The slide decks: one per notebook, the slides the notebook's metadata asks for, nothing from a CDN.

The offline decks are built once per session into a temporary folder (browser_helpers.offline_decks);
the npm tarballs are cached in build/npm-cache. Without npm and without that cache the build tests
skip here and FAIL under .ci/run (LSTM_LESSON_REQUIRE_BROWSER=1).
The browser check of a deck (slides, equations and widgets rendered with the network blocked) is
in tests/test_browser.py.
"""

import io
import re
import tarfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser_helpers import NOTEBOOKS, notebook_paths, offline_decks, read_notebook

from lstm_lesson.tools import slides

CDN = re.compile(r"https?://[^\s\"'()<>]*(cdnjs|unpkg|jsdelivr|cdn\.)[^\s\"'()<>]*", re.I)
NOTEBOOK_IDS = [p.stem for p in notebook_paths()]


def slide_types(nb: dict) -> list[str]:
    return [cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") for cell in nb["cells"]]


def expected_slides(nb: dict) -> tuple[int, int]:
    """(horizontal slides, all slides) from the cells' slide_type, as reveal.js will show them.

    Every 'slide' cell starts a horizontal slide (and its first vertical one); every 'subslide'
    cell starts a vertical slide. nbconvert also starts a slide at the first shown cell (not
    skip/notes) whatever its type, so a notebook that does not open with a slide gets one more.
    """
    shown = [t for t in slide_types(nb) if t not in ("skip", "notes")]
    extra = 1 if shown and shown[0] not in ("slide", "subslide") else 0
    first_is_subslide = 1 if shown and shown[0] == "subslide" else 0  # promoted to a slide, not extra
    return shown.count("slide") + extra + first_is_subslide, shown.count("slide") + shown.count("subslide") + extra


class SectionCounter(HTMLParser):
    """Counts reveal's <section> elements by depth: depth 1 = horizontal slides, 2 = vertical."""

    def __init__(self):
        super().__init__()
        self.depth, self.by_depth, self.urls = 0, {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.depth += 1
            self.by_depth[self.depth] = self.by_depth.get(self.depth, 0) + 1
        if tag in ("script", "link", "img") and (attrs.get("src") or attrs.get("href")):
            self.urls.append(attrs.get("src") or attrs.get("href"))

    def handle_endtag(self, tag):
        if tag == "section":
            self.depth -= 1


def parse(deck: Path) -> SectionCounter:
    parser = SectionCounter()
    parser.feed(deck.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    return offline_decks(tmp_path_factory)


def test_there_are_notebooks():
    assert notebook_paths(), f"no notebooks in {NOTEBOOKS}"


def test_a_deck_for_every_notebook(decks):
    built = sorted(p.name for p in decks.glob("*.slides.html"))
    assert built == sorted(f"{p.stem}.slides.html" for p in notebook_paths())


@pytest.mark.parametrize("name", NOTEBOOK_IDS)
def test_slide_count_follows_the_notebook_metadata(decks, name):
    nb = read_notebook(NOTEBOOKS / f"{name}.ipynb")
    horizontal, total = expected_slides(nb)
    sections = parse(decks / f"{name}.slides.html").by_depth
    assert sections.get(2, 0) == total, f"{name}: {sections.get(2, 0)} slides in the deck, metadata says {total}"
    assert sections.get(1, 0) == horizontal, f"{name}: {sections.get(1, 0)} horizontal slides, expected {horizontal}"
    assert slides.count_slides(nb) == total  # the number the command prints


@pytest.mark.parametrize("name", NOTEBOOK_IDS)
def test_offline_deck_names_no_cdn(decks, name):
    text = (decks / f"{name}.slides.html").read_text(encoding="utf-8")
    found = sorted({m.group(0) for m in CDN.finditer(text)})
    assert not found, f"{name}: the offline deck would fetch from a CDN: {found}"


@pytest.mark.parametrize("name", NOTEBOOK_IDS)
def test_offline_deck_loads_only_files_that_were_vendored(decks, name):
    deck = decks / f"{name}.slides.html"
    text = deck.read_text(encoding="utf-8")
    urls = parse(deck).urls + re.findall(r"var widgetRendererSrc = '([^']+)'", text)
    external = [u for u in urls if re.match(r"[a-z]+:", u) and not u.startswith("data:")]
    assert not external, f"{name}: loads {external}"
    missing = [u for u in urls if not u.startswith("data:") and not (decks / u.split("?")[0]).is_file()]
    assert not missing, f"{name}: the deck loads files the build did not vendor: {missing}"
    if "MathJax.js?config=" in text:  # MathJax loads its configuration file by name
        config = re.search(r"MathJax\.js\?config=([\w-]+)", text).group(1)
        assert (decks / "vendor/mathjax/config" / f"{config}.js").is_file()


@pytest.mark.parametrize("name", NOTEBOOK_IDS)
def test_widgets_in_the_deck_have_saved_state(name):
    """A deck can only draw a widget whose state nbconvert --execute saved into the notebook."""
    nb = read_notebook(NOTEBOOKS / f"{name}.ipynb")
    assert slides.widget_problems(nb) == [], f"{name}.ipynb: {slides.widget_problems(nb)}"


def test_widget_problems_names_the_missing_state():
    view = {"output_type": "display_data", "data": {slides.WIDGET_VIEW: {"model_id": "m1"}}, "metadata": {}}
    nb = {"metadata": {}, "cells": [{"cell_type": "code", "outputs": [view]}]}
    assert "no saved widget state" in slides.widget_problems(nb)[0]
    nb["metadata"]["widgets"] = {slides.WIDGET_STATE: {"state": {"m2": {}}}}
    assert "not in the saved state" in slides.widget_problems(nb)[0]
    nb["metadata"]["widgets"][slides.WIDGET_STATE]["state"]["m1"] = {}
    assert slides.widget_problems(nb) == []


@pytest.mark.parametrize("types, expected", [
    (["slide", "fragment", "subslide", "-", "slide"], 3),
    (["skip", "notes", "fragment", "slide"], 2),  # the first shown cell starts a slide
    (["subslide", "subslide"], 2),
    ([], 0),
])
def test_count_slides(types, expected):
    nb = {"cells": [{"metadata": {"slideshow": {"slide_type": t}}} for t in types]}
    assert slides.count_slides(nb) == expected
    assert expected_slides(nb)[1] == expected


def test_without_npm_the_message_says_install_node_or_use_online(tmp_path, monkeypatch):
    monkeypatch.setattr(slides.shutil, "which", lambda name: None)
    with pytest.raises(slides.VendorError, match="Install Node.js .* --online"):
        slides.fetch_tarballs(tmp_path)


def test_unpack_writes_only_regular_files_inside_the_destination(tmp_path):
    tarball = tmp_path / "evil.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        for name, data in [("package/ok.js", b"ok"), ("package/../../escape.js", b"no"), ("package/x.js.map", b"m")]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("package/link.js")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    dest = tmp_path / "dest"
    assert slides.unpack(tarball, dest, "demo") == 1
    assert sorted(p.name for p in dest.rglob("*")) == ["ok.js"]
    assert not (tmp_path / "escape.js").exists()


def test_online_decks_use_cdns_and_vendor_nothing(tmp_path):
    first = notebook_paths()[0]
    deck = slides.build_deck(first, tmp_path, slides.make_exporter(online=True))
    text = deck.read_text(encoding="utf-8")
    assert "https://unpkg.com/reveal.js" in text and "mathjax" in text.lower()
    assert not (tmp_path / "vendor").exists()


def test_command_line_online(tmp_path, capsys):
    assert slides.main(["--online", "--notebooks", str(NOTEBOOKS), "--out", str(tmp_path)]) == 0
    assert "decks, online" in capsys.readouterr().out
    assert len(list(tmp_path.glob("*.slides.html"))) == len(notebook_paths())


def test_command_line_with_no_notebooks_says_where_it_looked(tmp_path, capsys):
    assert slides.main(["--online", "--notebooks", str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    assert "notebooks_dir: expected a folder with .ipynb files" in capsys.readouterr().err


def test_hide_input_cells_show_their_output_but_not_their_code():
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('checked ' + 'sentence')  # SECRET_SOURCE")
    cell.metadata["tags"] = [slides.HIDE_INPUT_TAG]
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="checked sentence\n")]
    shown = nbformat.v4.new_code_cell("x = 1  # VISIBLE_SOURCE")
    nb.cells = [cell, shown]
    body, _ = slides.make_exporter(online=True).from_notebook_node(nb)
    assert "checked sentence" in body and "SECRET_SOURCE" not in body and "VISIBLE_SOURCE" in body
