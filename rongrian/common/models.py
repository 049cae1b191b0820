"""Pieces shared by the domain apps; no tables of its own."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TranslatedName(models.Model):
    """A name in Thai (the official one) with English and Burmese translations."""

    name = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_my = models.CharField(_("name (Burmese)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def localized_name(self, language: str | None = None) -> str:
        """The name in the reader's language, falling back to Thai."""
        language = (language or get_language() or "th")[:2]
        translated = {"en": self.name_en, "my": self.name_my}.get(language, "")
        return translated or self.name

    def __str__(self) -> str:
        return self.localized_name()


_LABELS: dict[models.Field, dict[object, object]] = {}  # type: ignore[type-arg]


class QuickDisplay:
    """`get_<field>_display()` from a dict built once per field.

    Django's own builds a dict of the field's choices on every call, hashing each lazy
    label (a translation lookup apiece): a fifth of a 50-row queue page's time."""

    def _get_FIELD_display(self, field: models.Field) -> object:  # type: ignore[type-arg]
        labels = _LABELS.get(field)
        if labels is None:
            labels = _LABELS[field] = dict(field.flatchoices)
        value = getattr(self, field.attname)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value: Django's way
            return super()._get_FIELD_display(field)  # type: ignore[misc]
        return str(label) if label is not None else label
