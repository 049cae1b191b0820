"""Thai and Burmese readers see every message in their language (seed 002)."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def _entries(po: Path) -> list[dict[str, str]]:
    """The .po file's entries: flags, msgctxt, msgid, msgid_plural, msgstr, msgstr[n]."""
    out = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        entry: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] = line
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += line[1:-1]
            else:
                key, _, rest = line.partition(" ")
                entry[key] = rest[1:-1]
        if entry.get("msgid"):
            out.append(entry)
    return out


@pytest.mark.parametrize("language", ["th", "my"])
def test_every_message_is_translated_and_compiled(language: str) -> None:
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    untranslated, stale = [], []
    for entry in _entries(folder / "django.po"):
        translations = [v for k, v in entry.items() if k.startswith("msgstr")]
        if "fuzzy" in entry.get("flags", "") or not all(translations):
            untranslated.append(entry["msgid"])
            continue
        msgid = entry["msgid"].encode().decode("unicode_escape").encode("latin-1").decode()
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        key = (msgid, 0) if "msgid_plural" in entry else msgid
        if key not in compiled:
            stale.append(entry["msgid"])
    assert untranslated == [], f"{len(untranslated)} messages have no {language} translation"
    assert stale == [], f"django.mo is older than django.po: run `make messages` ({stale[:3]})"
