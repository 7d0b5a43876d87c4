"""The Chinese edition's decks and handouts: built offline like the English ones, in Chinese.

- every Chinese lesson gets a deck with as many slides as its English twin (the same cell metadata),
  marked ``lang="zh-CN"`` (so the browser draws Simplified Chinese glyphs), naming no CDN;
- one handout (lesson 00, ~10 s) printed with the network blocked embeds a CJK font: the Chinese
  text was drawn with real glyphs, not empty boxes. (.ci/run installs fonts-noto-cjk.)
Without npm, Chromium or Playwright these skip, and fail under LSTM_LESSON_REQUIRE_BROWSER=1.
"""

import re

import pytest
from browser_helpers import BUILD, chromium_path, unavailable

from lstm_lesson.tools import editions, handouts, slides

CJK = re.compile(r"[\u4e00-\u9fff]")
CDN = re.compile(r"https?://[^\s\"'()<>]*(cdnjs|unpkg|jsdelivr|cdn\.)[^\s\"'()<>]*", re.I)


@pytest.fixture(scope="module")
def zh_decks(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides_zh")
    try:
        slides.build_all(editions.lessons_dir("zh"), out, cache_dir=BUILD / "npm-cache", log=lambda line: None)
    except slides.VendorError as err:
        unavailable(f"cannot vendor the deck libraries: {err}")
    return out


def test_a_chinese_deck_for_every_lesson_with_the_english_slides(zh_decks):
    for english, chinese in zip(editions.lesson_paths("en"), editions.lesson_paths("zh"), strict=True):
        deck = (zh_decks / f"{chinese.stem}.slides.html").read_text(encoding="utf-8")
        assert '<html lang="zh-CN">' in deck
        assert len(CJK.findall(deck)) > 200, f"{chinese.name}: the deck has little Chinese text"
        assert not CDN.search(deck), f"{chinese.name}: the offline deck names a CDN"
        assert slides.count_slides(editions.read(chinese)) == slides.count_slides(editions.read(english))


def test_the_chinese_handout_embeds_a_cjk_font(tmp_path):
    try:
        import playwright  # noqa: F401
    except ImportError:
        unavailable("Playwright for Python is not installed")
    executable = chromium_path()
    lesson = editions.select_lessons(["00"], "zh")
    try:
        (pdf,) = handouts.build_handouts(tmp_path, lesson, cache_dir=BUILD / "npm-cache", chromium=executable,
                                         log=lambda _: None)
    except slides.VendorError as err:
        unavailable(f"cannot vendor the deck libraries: {err}")
    fonts = set(re.findall(rb"/FontName\s*/[A-Z]{6}\+([\w-]+)", pdf.read_bytes()))
    assert any(b"CJK" in f or b"SourceHan" in f or b"WenQuanYi" in f for f in fonts), (
        f"no CJK font in the PDF (fonts: {sorted(fonts)}): install one, e.g. apt-get install fonts-noto-cjk")
