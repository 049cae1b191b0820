from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    # Rule tests match the English wording; Thai wording has tests of its own.
    with translation.override("en"):
        yield
