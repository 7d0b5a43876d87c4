"""Decks hide the code that only draws a figure and keep the code that teaches."""

import copy

from lstm_lesson.tools import editions, slides

(LESSON_02,) = editions.select_lessons(["02"])


def test_plotting_cells_are_hidden_and_teaching_cells_kept():
    plot = {"cell_type": "code", "metadata": {}, "outputs": [{"output_type": "display_data"}],
            "source": "fig, ax = plt.subplots()\n_ = ax.plot(x, y)\nax.set_title('a')\nplt.show()\n"}
    teach = {"cell_type": "code", "metadata": {}, "outputs": [{"output_type": "stream"}],
             "source": "h = np.tanh(x @ W_x + h_prev @ W_h + b)\nprint(h)\n"}
    tagged = {**copy.deepcopy(teach), "metadata": {"tags": ["hide-input"]}}
    assert slides.hides_code_in_deck(plot)
    assert not slides.hides_code_in_deck(teach)
    assert slides.hides_code_in_deck(tagged)
    assert not slides.hides_code_in_deck({**plot, "outputs": []}), "code with nothing to show stays"


def test_a_deck_shows_the_figure_without_its_drawing_code(tmp_path):
    nb = editions.read(LESSON_02)
    hidden = [c for c in nb["cells"] if slides.hides_code_in_deck(c) and editions.slide_type(c) != "skip"]
    assert hidden, "lesson 02 has a plotting cell on a slide"
    deck = slides.build_deck(LESSON_02, tmp_path, slides.make_exporter(online=True)).read_text(encoding="utf-8")
    assert "np.linspace(-6, 6, 241)" not in deck, "the sigmoid/tanh plot's code is hidden"
    assert "data:image/png" in deck, "its figure is still shown"
    assert "GateExplorer" in deck, "the code that teaches is still shown"
