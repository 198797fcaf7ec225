"""The CJK font the PDFs set Chinese in (the policy compendium, the year-end assessment report):
one lookup, one setting, one error naming the remedy.

`HUIQI_CJK_FONT` names a TrueType font file (.ttf, or .ttc whose first face is used); by default
Debian's WenQuanYi Micro Hei, which `bin/huiqi` installs (fonts-wqy-microhei). fpdf2 embeds the
glyphs a document uses as a subset, so its Chinese is real text: searchable and copyable.
"""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FONT_SETTING = "HUIQI_CJK_FONT"


class CjkFontMissing(RuntimeError):
    """The CJK font a PDF needs is not where the setting says: the set-up was not run."""

    def __init__(self, path: str, document: str = "PDF"):
        super().__init__(
            f"the {document}'s CJK font {path} does not exist: run bin/huiqi (it installs "
            f"Debian's fonts-wqy-microhei) or set {FONT_SETTING} to a TrueType font with "
            f"Chinese glyphs")
        self.path = path


def cjk_font_path(environ=None, document: str = "PDF") -> Path:
    """The TrueType font a PDF sets Chinese in: `HUIQI_CJK_FONT`, else WenQuanYi Micro Hei.
    `document` names the PDF in the error should the file be missing."""
    path = (os.environ if environ is None else environ).get(FONT_SETTING) or DEFAULT_CJK_FONT
    if not Path(path).is_file():
        raise CjkFontMissing(path, document)
    return Path(path)
