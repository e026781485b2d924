"""What a user must not read on a page, in an export or in a document: rule codes, parameter names, database
field names, seed file names, hashes. Codes may stay in a `title=` tooltip (for staff); that is not searched."""

from __future__ import annotations

import html
import io
import re
import zipfile

from gonggu.rules.catalog import CATALOG

_CODES = sorted(CATALOG.rules, key=len, reverse=True)
CODE_RE = re.compile(r"(?<![A-Za-z0-9_-])(" + "|".join(re.escape(c) for c in _CODES) + r")(?![A-Za-z0-9_-])")
SNAKE_RE = re.compile(r"(?<![A-Za-z0-9_@./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_@.-])")
SEED_RE = re.compile(r"\d{3}_[0-9a-f]{16}(?:\.txt)?")
HASH_RE = re.compile(r"(?<![0-9a-f])[0-9a-f]{32,64}(?![0-9a-f])")

_DROP = re.compile(r"<(script|style|template)\b.*?</\1>|<!--.*?-->", re.S | re.I)
_SHOWN_ATTRS = re.compile(r"""\s(?:data-label|placeholder|aria-label)\s*=\s*"([^"]*)\"""")
_TAG = re.compile(r"<[^>]+>")


def visible_text(page: str) -> str:
    """Text nodes plus the attributes a user reads (phone table labels, placeholders); not tooltips or values."""
    page = _DROP.sub(" ", page)
    shown = " ".join(_SHOWN_ATTRS.findall(page))
    return html.unescape(_TAG.sub(" ", page) + " " + shown)


def bad_words(text: str, *, allowed: set[str] = frozenset()) -> list[str]:
    found = set(CODE_RE.findall(text)) | set(SEED_RE.findall(text)) | set(HASH_RE.findall(text))
    found |= {w for w in SNAKE_RE.findall(text)}
    return sorted(w for w in found if w not in allowed)


def xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return " ".join(html.unescape(_TAG.sub(" ", z.read(n).decode("utf-8"))) for n in z.namelist()
                        if n.startswith("xl/") and n.endswith(".xml") and ("sharedStrings" in n or "worksheets/" in n))


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return " ".join(html.unescape(_TAG.sub(" ", z.read(n).decode("utf-8"))) for n in z.namelist()
                        if n.startswith("word/") and n.endswith(".xml"))
