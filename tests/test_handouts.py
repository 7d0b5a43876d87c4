"""lstm-lesson handouts: a PDF of a lesson deck, printed offline by headless Chromium.

Prints lesson 02 (equations and widgets; about 25 s) with every network request blocked. Without
Chromium or Playwright this is skipped, and fails under LSTM_LESSON_REQUIRE_BROWSER=1 (.ci/run).
`lstm-lesson handouts` prints every lesson the same way.
"""

import re

import pytest
from browser_helpers import BUILD, chromium_path, unavailable

from lstm_lesson.tools import editions, handouts, slides


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def test_without_chromium_the_message_says_what_to_install(monkeypatch):
    monkeypatch.delenv("LSTM_LESSON_CHROMIUM", raising=False)
    monkeypatch.setattr(handouts.shutil, "which", lambda name: None)
    with pytest.raises(handouts.HandoutError, match="apt-get install chromium"):
        handouts.find_chromium()


def test_handout_of_lesson_02_is_a_pdf_with_every_slide(tmp_path):
    try:
        import playwright  # noqa: F401
    except ImportError:
        unavailable("Playwright for Python is not installed")
    executable = chromium_path()
    (lesson,) = editions.select_lessons(["02"])
    try:
        (pdf,) = handouts.build_handouts(tmp_path, [lesson], cache_dir=BUILD / "npm-cache", chromium=executable,
                                         log=lambda _: None)
    except slides.VendorError as err:
        unavailable(f"cannot vendor the deck libraries: {err}")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    nb = editions.read(lesson)
    assert pdf_pages(data) >= slides.count_slides(nb), "a page per slide at least"
    assert handouts.count_widget_views(nb) >= 1, "lesson 02 shows widgets: the handout prints their saved state"
