"""assets/ holds the package's own diagrams, exactly as the drawing functions draw them today.

SVG: regenerated into a temporary folder and compared byte for byte with the committed file.
PNG: pixels are NOT compared, because the same SVG rasterises differently on another machine
(fonts, hinting, Chromium version). Instead every PNG carries the SHA-256 of the SVG it was
rendered from, and the test checks that stamp against the regenerated SVG and the PNG's size
against the SVG's: a PNG left behind after a drawing changed fails here.
If a test here fails after you changed a drawing: run `python -m lstm_lesson.tools.assets` and commit assets/.
"""

from pathlib import Path

import pytest

from lstm_lesson.tools import assets

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
REGENERATE = "run `python -m lstm_lesson.tools.assets` from the repository root and commit assets/"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("assets")
    assets.write_assets(out, png=False, log=lambda line: None)
    return out


@pytest.mark.parametrize("name", list(assets.FIGURES))
def test_every_figure_is_drawn_by_the_package(name):
    module_name, function_name, _, _ = assets.FIGURES[name]
    assert assets.figure_function(name) is not None, f"{module_name}.{function_name} is missing"
    svg = assets.figure_svg(name)
    assert svg.startswith("<svg") or svg.startswith("<?xml"), f"{name}: not SVG text: {svg[:60]!r}"
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg, f"{name}: standalone SVG files need the SVG namespace"


@pytest.mark.parametrize("name", list(assets.FIGURES))
def test_committed_svg_is_identical_to_a_fresh_drawing(name, regenerated):
    committed = ASSETS / f"{name}.svg"
    assert committed.is_file(), f"assets/{name}.svg is missing: {REGENERATE}"
    fresh = (regenerated / f"{name}.svg").read_bytes()
    assert committed.read_bytes() == fresh, f"assets/{name}.svg differs from a fresh drawing: {REGENERATE}"


def test_drawings_are_deterministic():
    for name in assets.FIGURES:
        assert assets.figure_svg(name) == assets.figure_svg(name), f"{name}: two drawings differ"


@pytest.mark.parametrize("name", list(assets.FIGURES))
def test_committed_png_was_rendered_from_the_current_svg(name, regenerated):
    png_path = ASSETS / f"{name}.png"
    assert png_path.is_file(), f"assets/{name}.png is missing: {REGENERATE} (PNG needs Chromium)"
    png = png_path.read_bytes()
    svg = (regenerated / f"{name}.svg").read_text(encoding="utf-8")
    stamp = assets.png_text(png).get(assets.PNG_KEY)
    assert stamp == assets.sha256(svg), f"assets/{name}.png was rendered from another SVG: {REGENERATE}"
    width, height = assets.svg_size(svg)
    assert assets.png_size(png) == (assets.PNG_SCALE * width, assets.PNG_SCALE * height), \
        f"assets/{name}.png is not the {assets.PNG_SCALE}x render of a {width}x{height} SVG"


def test_nothing_else_in_assets_is_stale():
    expected = {f"{name}.{ext}" for name in assets.FIGURES for ext in ("svg", "png")}
    extra = sorted(p.name for p in ASSETS.iterdir() if p.suffix in (".svg", ".png") and p.name not in expected)
    assert not extra, f"assets/ has figures no drawing function makes: {extra}"


# ----- the helpers, term by term ---------------------------------------------------------------
def test_svg_size_reads_root_width_and_height_rounding_up():
    assert assets.svg_size('<svg xmlns="x" width="700" height="440.5"><rect width="9" height="9"/></svg>') == (700, 441)
    assert assets.svg_size('<svg width="10px" height="20px"></svg>') == (10, 20)


def test_svg_size_names_the_argument_when_size_is_missing():
    with pytest.raises(ValueError, match="svg: expected a root <svg> element with numeric width and height"):
        assets.svg_size('<svg viewBox="0 0 10 10"></svg>')


def test_png_text_chunk_round_trip_keeps_the_image_chunks():
    import zlib

    # a valid 1x1 white PNG built by hand: header, one pixel row, end
    header = assets._chunk(b"IHDR", (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0]))
    png = assets.PNG_SIGNATURE + header + assets._chunk(b"IDAT", zlib.compress(b"\0\xff\xff\xff")) \
        + assets._chunk(b"IEND", b"")
    stamped = assets.with_text(png, assets.PNG_KEY, "abc")
    assert assets.png_text(stamped) == {assets.PNG_KEY: "abc"}
    restamped = assets.with_text(stamped, assets.PNG_KEY, "def")  # replaces, never duplicates
    assert assets.png_text(restamped) == {assets.PNG_KEY: "def"}
    image_chunks = [c for c in assets.png_chunks(restamped) if c[0] != b"tEXt"]
    assert image_chunks == assets.png_chunks(png), "stamping must not touch the image data"
    assert assets.png_size(restamped) == (1, 1)


def test_png_chunks_rejects_other_files():
    with pytest.raises(ValueError, match="png: expected PNG bytes"):
        assets.png_chunks(b"<svg></svg>")


def test_unknown_figure_name_is_named():
    with pytest.raises(ValueError, match="name: expected one of .* got 'lstm'"):
        assets.figure_function("lstm")


def test_without_chromium_the_command_writes_svg_and_says_why_no_png(tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "find_chromium", lambda explicit=None: None)
    lines = []
    written = assets.write_assets(tmp_path, names=["lstm_cell"], log=lines.append)
    assert written == {"lstm_cell": [tmp_path / "lstm_cell.svg"]}
    assert not (tmp_path / "lstm_cell.png").exists()
    assert any("no Chromium found" in line for line in lines), lines


def test_command_line_writes_the_named_figure(tmp_path, capsys):
    assert assets.main(["--out", str(tmp_path), "--no-png", "gru_cell"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["gru_cell.svg"]
    with pytest.raises(SystemExit):
        assets.main(["--out", str(tmp_path), "no_such_figure"])
    assert "unknown figure" in capsys.readouterr().err


def test_the_chinese_figures_have_chinese_labels_and_leave_the_language_alone(tmp_path):
    from lstm_lesson.core import language
    from lstm_lesson.tools import assets as assets_tool

    assert assets_tool.main(["--lang", "zh", "--no-png", "--out", str(tmp_path), "lstm_cell"]) == 0
    svg = (tmp_path / "lstm_cell.svg").read_text(encoding="utf-8")
    assert "遗忘门" in svg and language.language() == "en"
