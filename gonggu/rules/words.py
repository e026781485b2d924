"""User words for text that was written with the platform's internal names in it.

Rule codes, parameter names and seed file names are how the catalog and the seeds are keyed; a page, export
or document says the rule's title, the parameter's title and the document's title instead. Texts stored with
codes in them (audit summaries, clue sources, evidence) are translated when shown, not rewritten.
"""

from __future__ import annotations

import re
from functools import cache

from .catalog import CATALOG

# The seed documents behind the catalog's `source` references, by file name (their own headings).
SEED_TITLES = {
    "000_43a5464a2cf5361e.txt": "《巩固拓展脱贫攻坚成果同乡村振兴有效衔接重点工作任务分解一览表》（河南省）",
    "001_5c18c60bd560c7e4.txt": "《巩固拓展脱贫攻坚成果重点工作梳理汇总》（河南省乡村振兴局）",
    "002_5ee456953034f603.txt": "《近期巩固拓展脱贫攻坚成果重点工作任务清单》（2025年10月）",
    "003_30a29f2321ea6e96.txt": "《北安市“十四五”巩固拓展脱贫攻坚成果同乡村振兴有效衔接规划责任分工任务清单》",
    "004_8cc0dceb5c524eb9.txt": "《巩固拓展脱贫攻坚成果工作任务清单》（陇县）",
}
_SEED_RE = re.compile(r"(\d{3})_[0-9a-f]{16}(?:\.txt)?")
_BY_NUMBER = {name[:3]: title for name, title in SEED_TITLES.items()}
# A bare document number at the start of a source reference ("001 第三部分 一(二)2④").
_SOURCE_NO_RE = re.compile(r"^(\d{3})(?=\s)")


# Built on first use, not at import: every app's rule definitions are in the catalog by then.
@cache
def _codes_re() -> re.Pattern:
    codes = sorted(CATALOG.rules, key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z0-9_-])(" + "|".join(re.escape(c) for c in codes) + r")(?![A-Za-z0-9_-])")


@cache
def _params_re() -> re.Pattern:
    names = sorted(CATALOG.params, key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(re.escape(n) for n in names) + r")(?![A-Za-z0-9_])")


def document_title(source: str) -> str:
    """A catalog `source` ("001_….txt 第三部分 一(二)2④" or "001 第三部分 …") with the document's title."""
    if not source:
        return ""
    text = _SEED_RE.sub(lambda m: _BY_NUMBER.get(m.group(1), "政策文件"), source)
    return _SOURCE_NO_RE.sub(lambda m: _BY_NUMBER.get(m.group(1), m.group(1)), text)


def rule_title(code: str) -> str:
    rule = CATALOG.rules.get(code)
    return rule.title if rule is not None else code


def param_title(name: str) -> str:
    param = CATALOG.params.get(name)
    return param.title if param is not None else name


def plain_words(text) -> str:
    """Codes, parameter names and seed file names in a stored text replaced by their titles."""
    if not text:
        return "" if text is None else text
    text = str(text)
    text = _SEED_RE.sub(lambda m: _BY_NUMBER.get(m.group(1), "政策文件"), text)
    text = _codes_re().sub(lambda m: f"“{CATALOG.rules[m.group(1)].title}”", text)
    return _params_re().sub(lambda m: CATALOG.params[m.group(1)].title, text)


# A table description ends with its column list ("…台账：row_id、region_code、…", "…。列：id_number, name, …");
# pages show the description up to it.
_COLUMN_LIST = re.compile(r"(?:。?列)?[：:]\s*[a-z][a-z0-9_]*\s*[,、（(].*$", re.S)


def without_columns(text: str) -> str:
    return _COLUMN_LIST.sub("", text or "")
