"""The batch-grid picture: what is drawn is read back from the SVG and compared with get_batches."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from lstm_lesson.classroom.widgets.batch_grid import BatchGridWidget, batch_color, batch_grid_svg, visible
from lstm_lesson.core.batching import batch_layout, batch_plan, get_batches

NS = {"s": "http://www.w3.org/2000/svg"}
TEXT = "an lstm reads one letter at a time and guesses the next one."


def parse(svg):
    root = ET.fromstring(svg)  # also proves the SVG is well-formed XML
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def cells(root, cls):
    return [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == cls]


def drawn(g, cls):
    return next(t.text for t in g.findall("s:text", NS) if t.get("class") == cls)


def messages(root):
    return [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "message"]


@pytest.mark.parametrize("batch_size, n_steps", [(3, 6), (1, 1), (1, 59), (2, 5), (12, 4), (59, 1)])
def test_grid_cells_match_get_batches(batch_size, n_steps):
    root = parse(batch_grid_svg(TEXT, batch_size, n_steps))
    plan = batch_plan(len(TEXT), batch_size, n_steps)
    grid = cells(root, "x-cell")
    assert len(grid) == plan.n_batches * batch_size * n_steps, "one grid cell per input of every batch"
    assert not messages(root)
    by_place = {(int(g.get("data-batch")), int(g.get("data-row")), int(g.get("data-col"))): g for g in grid}
    for k, (x, y) in enumerate(get_batches(TEXT, batch_size, n_steps)):
        for r in range(batch_size):
            row_x = "".join(drawn(by_place[k, r, j], "x") for j in range(n_steps))
            row_y = "".join(drawn(by_place[k, r, j], "y") for j in range(n_steps))
            assert row_x == "".join(visible(ch) for ch in x[r]), f"batch {k}, row {r}: wrong characters drawn as x"
            assert row_y == "".join(visible(ch) for ch in y[r]), (
                f"batch {k}, row {r}: the small target characters are not the next characters")
            colors = {by_place[k, r, j].find("s:rect", NS).get("fill") for j in range(n_steps)}
            assert colors == {batch_color(k)}, f"batch {k} must be colored by its batch"


def test_strip_colors_every_character_by_its_batch_and_greys_the_tail():
    batch_size, n_steps = 3, 6
    root = parse(batch_grid_svg(TEXT, batch_size, n_steps))
    strip = cells(root, "text-cell")
    assert len(strip) == len(TEXT), "the text strip draws every character once"
    layout = batch_layout(len(TEXT), batch_size, n_steps)
    for g in strip:
        p = int(g.get("data-pos"))
        assert drawn(g, "x") == visible(TEXT[p])
        assert int(g.get("data-batch")) == layout[p, 0]
        assert g.find("s:rect", NS).get("fill") == batch_color(int(layout[p, 0]))
    n_grey = sum(g.find("s:rect", NS).get("fill") == batch_color(-1) for g in strip)
    assert n_grey == batch_plan(len(TEXT), batch_size, n_steps).n_dropped == 6


def test_arrows_show_rows_continuing_across_batches():
    root = parse(batch_grid_svg(TEXT, 3, 6))
    arrows = [t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text == "\u2192"]
    assert len(arrows) == 3 * (3 - 1), "one arrow per row between consecutive batches"
    grid = {(int(g.get("data-batch")), int(g.get("data-row")), int(g.get("data-col"))): int(g.get("data-pos"))
            for g in cells(root, "x-cell")}
    for k in (1, 2):
        for r in range(3):
            assert grid[k, r, 0] == grid[k - 1, r, 5] + 1, "row r of batch k must continue row r of batch k-1"


@pytest.mark.parametrize("batch_size, n_steps, needle", [
    (2, 50, "101 characters are needed, the text has 60"),
    (1, 60, "61 characters are needed, the text has 60"),
    (12, 59, "709 characters"),
    (0, 5, "batch_size"),
    (3, -1, "n_steps"),
    (3.5, 2, "batch_size"),
])
def test_impossible_slider_values_give_a_message_not_an_exception(batch_size, n_steps, needle):
    root = parse(batch_grid_svg(TEXT, batch_size, n_steps))
    assert not cells(root, "x-cell"), "no batch can be drawn"
    (message,) = messages(root)
    assert needle in message, message
    assert len(cells(root, "text-cell")) == len(TEXT), "the text is still shown"


def test_deterministic_escaped_and_unicode():
    tricky = 'if a < b & c > "d":\n\treturn \'e\'  # 长短期记忆'
    svg = batch_grid_svg(tricky, 2, 4)
    assert svg == batch_grid_svg(tricky, 2, 4), "the same slider values must give the same picture"
    root = parse(svg)  # '<', '&' and quotes are escaped
    strip = "".join(drawn(g, "x") for g in cells(root, "text-cell"))
    assert strip == "".join(visible(ch) for ch in tricky)
    assert "\u23ce" in strip and "\u2423" in strip, "newlines and spaces must be visible symbols"
    assert "长短期记忆" in strip
    assert batch_grid_svg("", 1, 1).startswith("<svg")


def test_text_must_be_a_str():
    with pytest.raises(TypeError, match="text: expected a str, got list"):
        batch_grid_svg(list(TEXT), 2, 3)
    with pytest.raises(TypeError, match="text: expected a str, got int"):
        BatchGridWidget(3)


def test_widget_callback_redraws_for_the_slider_values():
    w = BatchGridWidget(TEXT, batch_size=3, n_steps=6)
    assert w.batch_size.value == 3 and w.n_steps.value == 6
    assert batch_grid_svg(TEXT, 3, 6) in w.view.value
    w.batch_size.value = 1  # the observer calls update()
    assert batch_grid_svg(TEXT, 1, 6) in w.view.value
    w.n_steps.value = w.n_steps.max  # the extreme: more steps than the text allows
    assert w.n_steps.max >= len(TEXT), "the slider must reach the impossible values"
    (message,) = messages(parse(w.view.value.split(">", 1)[1].rsplit("</div>", 1)[0]))
    assert "No full batch" in message
    w.n_steps.value = 2
    w.update()  # calling the callback directly is the same as moving a slider
    assert batch_grid_svg(TEXT, 1, 2) in w.view.value
    assert len(cells(parse(batch_grid_svg(TEXT, 1, 2)), "x-cell")) == 58


def test_layout_data_agrees_with_the_sequence_numbers():
    root = parse(batch_grid_svg("abcdefghijklmnopqrstu", 2, 5))
    pos = np.array(sorted(int(g.get("data-pos")) for g in cells(root, "x-cell")))
    np.testing.assert_array_equal(pos, np.arange(20))
