from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rongrian.common.memo import ShortLived
from rongrian.common.models import TranslatedName
from rongrian.org.models import Organisation, Unit

from .choices import DayCount


class CategoryQuerySet(models.QuerySet["Category"]):
    def active(self) -> CategoryQuerySet:
        return self.filter(is_active=True)


class Category(TranslatedName):
    """A kind of complaint with the unit that usually owns it and its resolution target."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="categories",
        verbose_name=_("organisation"),
    )
    code = models.CharField(_("code"), max_length=20)
    description = models.TextField(
        _("plain-language description"),
        blank=True,
        help_text=_("Shown to citizens choosing a category: what kinds of problem belong here."),
    )
    description_en = models.TextField(_("description (English)"), blank=True)
    description_my = models.TextField(_("description (Burmese)"), blank=True)
    default_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="default_categories",
        verbose_name=_("responsible unit"),
    )
    target_days = models.PositiveSmallIntegerField(
        _("resolution target (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Days allowed from receipt to resolution, e.g. 1, 2, 3 or 7."),
    )
    day_count = models.CharField(
        _("days are counted as"),
        max_length=10,
        choices=DayCount.choices,
        default=DayCount.BUSINESS,
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["organisation", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="category_code_unique"),
            models.CheckConstraint(
                condition=models.Q(target_days__gte=1, target_days__lte=365),
                name="category_target_days_range",
            ),
        ]

    @classmethod
    def active_for(cls, organisation_id: int) -> list[Category]:
        """The organisation's active categories in form order, read on every complaint:
        kept per process for a short while (common.memo); saving one forgets them."""
        return _active_categories.get(
            organisation_id,
            lambda: list(
                cls.objects.active()
                .filter(organisation_id=organisation_id)
                .order_by("sort_order", "code")
            ),
        )

    @classmethod
    def all_for(cls, organisation_id: int) -> list[Category]:
        """Every category of the organisation, retired ones too (to find old cases by)."""
        return _all_categories.get(
            organisation_id,
            lambda: list(
                cls.objects.filter(organisation_id=organisation_id).order_by("sort_order", "code")
            ),
        )

    def localized_description(self) -> str:
        language = (get_language() or "th")[:2]
        translated = {"en": self.description_en, "my": self.description_my}.get(language, "")
        return translated or self.description

    def clean(self) -> None:
        if self.default_unit_id and self.default_unit.organisation_id != self.organisation_id:
            raise ValidationError({"default_unit": _("This unit belongs to another organisation.")})


_active_categories: ShortLived[list[Category]] = ShortLived()
_all_categories: ShortLived[list[Category]] = ShortLived()


@receiver([post_save, post_delete], sender=Category)
def _forget_categories(instance: Category, **kwargs: object) -> None:
    for cache in (_active_categories, _all_categories):
        cache.forget(instance.organisation_id)
        transaction.on_commit(lambda c=cache: c.forget(instance.organisation_id))
