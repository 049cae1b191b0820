"""Thai search: a word inside an unspaced Thai sentence is found, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from rongrian.cases.models import Case
from rongrian.cases.search import index_text, matching, words


@pytest.fixture
def cases(make_case: Any, demo: Any) -> dict[str, Case]:
    return {
        "light": make_case(description="ไฟถนนหน้าบ้านดับมาสามวันแล้วมืดมาก"),
        "drain": make_case(
            description="ท่อระบายน้ำอุดตันน้ำท่วมขังซอยสุขใจ", category=demo.category("DRAINBLOCK")
        ),
        "dog": make_case(description="สุนัขจรจัดกัดเด็กหน้าโรงเรียน", category=demo.category("STRAY")),
    }


def found(q: str) -> set[int]:
    return set(matching(Case.objects.all(), q).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("ดับ", "light"),  # a word in the middle of the sentence
        ("ไฟดับ", "light"),  # two words, neither written as such in the text
        ("หน้าบ้าน", "light"),
        ("บ้าน", "light"),  # inside the compound หน้าบ้าน
        ("อุดตัน", "drain"),
        ("น้ำท่วม", "drain"),
        ("สุขใจ", "drain"),
        ("โรงเรียน", "dog"),
        ("สุนัข", "dog"),
    ],
)
def test_a_thai_word_inside_an_unspaced_sentence_is_found(
    cases: dict[str, Case], query: str, key: str
) -> None:
    assert found(query) == {cases[key].pk}, (connection.vendor, query)


def test_every_word_of_the_query_must_match(cases: dict[str, Case]) -> None:
    assert found("ไฟ ท่อ") == set()
    assert found("น้ำ ท่อ") == {cases["drain"].pk}


def test_nothing_is_found_for_words_that_are_not_there(cases: dict[str, Case]) -> None:
    assert found("ถังขยะ") == set()
    assert found("   ") == set()


def test_the_category_name_is_searchable(cases: dict[str, Case]) -> None:
    assert cases["dog"].pk in found("จรจัด")


def test_quotes_and_operators_in_the_query_are_just_text(cases: dict[str, Case]) -> None:
    assert found('"ไฟ" OR NEAR(') == set() or found('"ไฟ" OR NEAR(') <= {
        c.pk for c in cases.values()
    }


def test_segmentation() -> None:
    assert words("ไฟดับ") == ["ไฟ", "ดับ"]
    assert "ถนน" in index_text("ไฟถนนดับ").split()
    assert index_text("Road BROKEN near 7-11") == "road broken near 7 11"
