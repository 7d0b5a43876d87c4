"""Handouts: one PDF per lesson deck, printed offline by headless Chromium from reveal.js's print view.

    lstm-lesson handouts                      # build/handouts/NN_name.pdf for every lesson
    lstm-lesson handouts 01 02 --out pdfs/

Each PDF is the lesson's offline slide deck (``lstm-lesson slides``) opened with ``?print-pdf``
(reveal.js lays every slide and fragment out as pages) and printed with Playwright's
``page.pdf()``, once every saved widget has been drawn (a slide that the widgets made taller than a
sheet continues on the next one). Every network request is blocked while printing: what prints is what the
classroom sees offline, the equations typeset by the vendored MathJax and the widgets drawn from
the state saved in the notebook. Needs Chromium (Debian/Ubuntu: ``apt-get install chromium``) and
Playwright for Python (``pip install "lstm-lesson[handouts]"``); no browser download.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from . import editions, slides

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDGET_VIEW = slides.WIDGET_VIEW


# Every saved widget view has been drawn by the html-manager (it adds a .widget-subarea beside the view).
WIDGETS_DRAWN = """() => [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
    .every(view => { const area = view.parentElement.querySelector('.widget-subarea');
                     return area && area.children.length > 0; })"""
GROWING_PAGES = """
html.print-pdf .reveal .slides .pdf-page { height: auto !important; overflow: visible !important; }
html.print-pdf .reveal .slides .pdf-page > section { position: relative !important; top: 0 !important; }
"""


class HandoutError(RuntimeError):
    """Printing is impossible here (no Chromium, no Playwright); the message says what to install."""


def find_chromium(path: str | None = None) -> str:
    found = path or os.environ.get("LSTM_LESSON_CHROMIUM") or next(
        (p for name in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(name))), None)
    if not found:
        raise HandoutError("handouts need Chromium: apt-get install chromium (Debian/Ubuntu), or pass --chromium PATH")
    return found


def count_widget_views(nb: dict) -> int:
    return sum(WIDGET_VIEW in output.get("data", {}) for cell in nb.get("cells", []) if cell.get("cell_type") == "code"
               for output in cell.get("outputs", []))


def offline_page(browser):
    """A new page that may load only files: every network request is blocked and recorded.
    Returns ``(page, attempted)``, the list of URLs the page tried to reach (empty when offline-ready)."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    attempted: list[str] = []

    def only_files(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    page.route("**/*", only_files)
    return page, attempted


def print_deck(browser, deck: Path, pdf: Path, *, expect_math: bool, timeout_ms: int = 60_000) -> list[str]:
    """Print one deck to ``pdf`` with the network blocked; returns the URLs it tried to reach (none, offline)."""
    page, attempted = offline_page(browser)
    try:
        # one page per slide with every fragment shown (reveal reads config from the query string)
        page.goto(deck.resolve().as_uri() + "?print-pdf&pdfSeparateFragments=false")
        page.wait_for_selector(".reveal.ready", timeout=timeout_ms)
        if expect_math:  # MathJax 2: wait until its queue has typeset everything
            page.wait_for_function("window.MathJax && MathJax.Hub", timeout=timeout_ms)
            page.evaluate("() => new Promise(done => MathJax.Hub.Queue(done))")
        page.wait_for_load_state("networkidle", timeout=timeout_ms)
        page.wait_for_function(WIDGETS_DRAWN, timeout=timeout_ms)
        # reveal.js sized each page before the widgets were drawn: let every page grow to its content
        # (a taller slide continues on the next sheet) instead of the next slide printing over it
        page.add_style_tag(content=GROWING_PAGES)
        page.wait_for_timeout(300)
        page.pdf(path=str(pdf), print_background=True, prefer_css_page_size=True)
    finally:
        page.close()
    return attempted


def build_handouts(out_dir: Path = Path("build/handouts"), lessons: list[Path] | None = None, *,
                   cache_dir: Path = Path("build/npm-cache"), chromium: str | None = None, log=print) -> list[Path]:
    """Build the offline decks of ``lessons`` (default all) and print each to ``out_dir/NAME.pdf``."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise HandoutError('handouts need Playwright for Python: pip install "lstm-lesson[handouts]"') from err
    executable = find_chromium(chromium)
    out_dir = Path(out_dir)
    lessons = lessons or editions.lesson_paths()
    decks_dir = out_dir / "decks"
    decks_dir.mkdir(parents=True, exist_ok=True)
    slides.vendor(decks_dir, cache_dir)
    exporter = slides.make_exporter(online=False)
    pdfs = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            for lesson in lessons:
                nb = editions.read(lesson)
                deck = slides.build_deck(lesson, decks_dir, exporter)
                pdf = out_dir / f"{lesson.stem}.pdf"
                math = any(c.get("cell_type") == "markdown" and "$" in editions.source(c) for c in nb["cells"])
                attempted = print_deck(browser, deck, pdf, expect_math=math)
                if attempted:
                    raise HandoutError(f"{deck.name} tried to reach the network while printing: {attempted[:3]}")
                log(f"{pdf}  ({pdf.stat().st_size // 1024} kB, {slides.count_slides(nb)} slides, "
                    f"{count_widget_views(nb)} widgets in their saved state)")
                pdfs.append(pdf)
        finally:
            browser.close()
    return pdfs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lstm-lesson handouts", description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", metavar="NN", help="lesson numbers (default: all)")
    parser.add_argument("--out", type=Path, default=None,
                        help="where the PDFs go (default: build/handouts, the Chinese edition's build/handouts/zh)")
    editions.add_lang_option(parser)
    parser.add_argument("--cache", type=Path, default=Path("build/npm-cache"), help="npm tarball cache")
    parser.add_argument("--chromium", help="path to Chromium/Chrome")
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = Path("build/handouts") / editions.LANGUAGES[args.lang]
    try:
        pdfs = build_handouts(args.out, editions.select_lessons(args.lessons, args.lang), cache_dir=args.cache,
                              chromium=args.chromium)
    except ValueError as err:
        parser.error(str(err))
    except (HandoutError, slides.VendorError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"{len(pdfs)} handouts in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
