"""Thai text search over cases.

Thai is written without spaces between words, so both the stored text and the query
are cut into words with pythainlp (dictionary-based `newmm`, offline). A compound the
dictionary knows as one word ("ไฟถนน", street light) is indexed with the dictionary
words inside it too ("ไฟ", "ถนน"), so a search for "ไฟดับ" (light out) finds "ไฟถนน
หน้าบ้านดับ". Every query word must match.

The words are stored space-separated in Case.search_text and indexed by the database's
own full-text engine: on PostgreSQL a stored tsvector column `search_vector` with a GIN
index (migration 0010), on SQLite the FTS5 table `cases_case_fts` kept in step by
triggers (migration 0007).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Lookup, QuerySet
from django.db.models.expressions import RawSQL

from .models import Case

MAX_QUERY_WORDS = 8
_SPLIT = re.compile(r"[^\w\u0E00-\u0E7F]+")


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return frozenset(w for w in thai_words() if len(w) >= 2)


@lru_cache(maxsize=50_000)
def _inner_words(token: str) -> tuple[str, ...]:
    """The dictionary words a compound token is made of: the parts of every way to write
    it as 2 or 3 dictionary words ("ไฟถนน" → "ไฟ", "ถนน"). Fragments that do not belong
    to such a split ("น้า" inside "หน้าบ้าน") are left out, so they cause no false hits."""
    if len(token) < 4:
        return ()
    dictionary = _dictionary()
    found: set[str] = set()

    def split(start: int, parts: list[str]) -> None:
        if start == len(token):
            if len(parts) >= 2:
                found.update(parts)
            return
        if len(parts) == 3:
            return
        for end in range(start + 2, len(token) + 1):
            piece = token[start:end]
            if piece in dictionary and piece != token:
                split(end, [*parts, piece])

    split(0, [])
    return tuple(sorted(found))


def warm_up() -> None:
    """Load the dictionary now (about a second) rather than in someone's request."""
    index_text("ไฟถนนดับ")


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased, in order, without punctuation or spaces."""
    from pythainlp.tokenize import word_tokenize

    out = []
    for chunk in _SPLIT.split(text.lower()):
        if not chunk:
            continue
        if re.search(r"[\u0E00-\u0E7F]", chunk):
            out.extend(
                t for t in word_tokenize(chunk, engine="newmm", keep_whitespace=False) if t.strip()
            )
        else:
            out.append(chunk)
    return out


def index_text(*parts: str) -> str:
    """What to store in Case.search_text for these texts."""
    seen: dict[str, None] = {}
    for part in parts:
        for word in _indexed_words(part or ""):
            seen.setdefault(word, None)
    return " ".join(seen)


@lru_cache(maxsize=100_000)
def _indexed_words(text: str) -> tuple[str, ...]:
    # Cached: category names and common texts recur (and the data generator repeats them).
    out: dict[str, None] = {}
    for word in words(text):
        out.setdefault(word, None)
        for inner in _inner_words(word):
            out.setdefault(inner, None)
    return tuple(out)


@Case._meta.get_field("search_text").register_lookup
class _Words(Lookup):
    """`search_text__words="a b"`: the stored tsvector beside search_text (PostgreSQL)
    holds every word, written against the query's own alias of the case table."""

    lookup_name = "words"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        rhs, params = self.process_rhs(compiler, connection)
        column = f"{compiler.quote_name_unless_alias(self.lhs.alias)}.search_vector"
        return f"{column} @@ plainto_tsquery('simple', {rhs})", params


def matching(qs: QuerySet[Case], q: str) -> QuerySet[Case]:
    terms = list(dict.fromkeys(words(q)))[:MAX_QUERY_WORDS]
    if not terms:
        return qs.none()
    if connection.vendor == "postgresql":
        # A condition on the row itself (not "id IN (...)"), so a list can walk its
        # newest-first index and stop after a page of matches (migration 0010).
        return qs.filter(search_text__words=" ".join(terms))
    if connection.vendor == "sqlite":
        expression = " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)
        return qs.filter(
            pk__in=RawSQL(
                "SELECT rowid FROM cases_case_fts WHERE cases_case_fts MATCH %s", [expression]
            )
        )
    for term in terms:  # other databases: a plain scan, correct but slow
        qs = qs.filter(search_text__contains=term)
    return qs
