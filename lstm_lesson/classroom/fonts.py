"""A CJK font for the matplotlib figures the package draws in Chinese.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs: a Chinese label would be drawn as
empty boxes, with a "Glyph ... missing from font" warning. So before a figure gets Chinese text,
``chinese_font()`` finds an installed CJK font, puts it first in ``rcParams["font.sans-serif"]``
(DejaVu Sans right after it, for Latin letters and math) and returns the family list that the
figure's texts are drawn with. Where no CJK font exists it returns None: the figure is then drawn
with English labels, and the learner is told once, in Chinese, how to install a font::

    sudo apt install fonts-noto-cjk        # Debian / Ubuntu
    pip install noto-cjk-sans-otc          # anywhere: the font inside a Python package

Where it looks, in order: fonts matplotlib already knows (its font cache), the font file of the
optional ``noto_cjk_sans_otc`` package, and the system's font files (a font installed after
matplotlib built its cache is found there too). A font counts only if it really has the glyphs.
"""

from __future__ import annotations

import os
from functools import lru_cache

from ..core.language import language

# Preferred first: simplified-Chinese faces, then the same families' other regional faces (their
# common hanzi are the same characters), then the usual system fonts of Linux, macOS and Windows.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "PingFang SC", "Hiragino Sans GB",
    "Microsoft YaHei", "SimHei", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Sans CJK HK",
    "Source Han Sans", "Noto Sans CJK KR", "Droid Sans Fallback", "Arial Unicode MS",
)
# Pieces of font FILE names (lower case, no spaces) of those families, for the system scan.
_FILE_HINTS = ("notosanscjk", "notosanssc", "sourcehansans", "wqy-zenhei", "wqy-microhei", "wqy",
               "pingfang", "hiragino", "msyh", "simhei", "droidsansfallback", "arialuni")
# Characters every Chinese label of the package needs; a font without them does not count.
PROBE = "门记忆训练验证损失字符步"
LATIN = "DejaVu Sans"

INSTALL_HINT = ("提示：没有找到中文字体，所以这张图的标签用英文。安装一个中文字体后重启内核即可显示中文："
                "Debian/Ubuntu 用 `sudo apt install fonts-noto-cjk`，或在任何系统上 "
                "`pip install noto-cjk-sans-otc`。")
_hint_shown = False


def _has_glyphs(path, face_index=0) -> bool:
    from matplotlib import ft2font

    path = os.fsdecode(path)
    try:
        try:
            font = ft2font.FT2Font(path, face_index=face_index) if face_index else ft2font.FT2Font(path)
        except TypeError:  # a matplotlib without face_index reads the collection's first face
            font = ft2font.FT2Font(path)
        return all(font.get_char_index(ord(ch)) for ch in PROBE)
    except (OSError, RuntimeError, ValueError):
        return False


def _known_family():
    """The most preferred CJK family among the fonts matplotlib knows, that has the glyphs."""
    from matplotlib import font_manager

    by_name = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, entry)
    for family in CJK_FAMILIES:
        entry = by_name.get(family)
        if entry is not None and os.path.exists(entry.fname) and \
                _has_glyphs(entry.fname, getattr(entry, "index", 0) or 0):
            return family
    return None


def _add_font(path) -> None:
    from matplotlib import font_manager

    try:
        font_manager.fontManager.addfont(os.fsdecode(path))
    except (OSError, RuntimeError, ValueError):  # an unreadable file: skip it
        pass


def _packaged_font_path():
    """The font file of the optional ``noto-cjk-sans-otc`` package, or None."""
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    path = os.fspath(noto_cjk_sans_otc.FONT_PATH)
    return path if os.path.isfile(path) else None


@lru_cache(maxsize=1)
def find_cjk_font():
    """The family name of an installed font with Chinese glyphs (e.g. "Noto Sans CJK SC"), or None.

    Looks once per session: matplotlib's known fonts, then the ``noto-cjk-sans-otc`` package's
    font, then the system's font files whose names look CJK (added to matplotlib's font manager).
    """
    found = _known_family()
    if found:
        return found
    packaged = _packaged_font_path()
    if packaged:
        _add_font(packaged)
        found = _known_family()
        if found:
            return found
    from matplotlib import font_manager

    try:
        system = font_manager.findSystemFonts()
    except (OSError, RuntimeError, ValueError):
        system = []
    for path in sorted(system):
        name = os.path.basename(path).lower().replace(" ", "")
        if any(hint in name for hint in _FILE_HINTS):
            _add_font(path)
    return _known_family()


def chinese_font():
    """Make matplotlib ready for Chinese text and return the font family list to draw it with.

    Returns ``[cjk_family, "DejaVu Sans"]`` after putting the CJK family first in
    ``rcParams["font.sans-serif"]``, or None when no CJK font is installed (then the caller draws
    English labels; the install hint is printed once per session, in Chinese).
    """
    global _hint_shown
    import matplotlib

    family = find_cjk_font()
    if family is None:
        if not _hint_shown:
            print(INSTALL_HINT)
            _hint_shown = True
        return None
    current = [f for f in matplotlib.rcParams["font.sans-serif"] if f not in (family, LATIN)]
    matplotlib.rcParams["font.sans-serif"] = [family, LATIN, *current]
    return [family, LATIN]


def figure_fonts():
    """For a figure about to be drawn: ``(speak_chinese, font_kwargs)``.

    In English: ``(False, {})``. In Chinese with a CJK font: ``(True, {"fontfamily": [...]})``, the
    keyword that gives each text the CJK font with DejaVu Sans as fallback. In Chinese without
    one: ``(False, {})``, so the figure stays English (and the learner was told how to fix it).
    """
    if language() != "zh":
        return False, {}
    families = chinese_font()
    if families is None:
        return False, {}
    return True, {"fontfamily": families}
