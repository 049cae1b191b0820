from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from rongrian.common.memo import ShortLived
from rongrian.common.models import QuickDisplay, TranslatedName

from .choices import UNIT_ROLES, Role

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 \-]{2,19}$",
    _("Enter a phone number of digits, e.g. 0812345678 or 1132."),
)


class User(AbstractUser):
    """A person who signs in; what they may do comes from their Staff membership."""

    language = models.CharField(
        _("preferred language"),
        max_length=8,
        blank=True,
        choices=[("th", "ไทย"), ("en", "English"), ("my", "မြန်မာ")],
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Organisation(TranslatedName):
    """A government body running the system; every domain row belongs to one."""

    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,10}$", _("Use 2 to 10 capital letters A-Z."))],
        help_text=_("Short letters that start every receipt number, e.g. LPG."),
    )
    hotline = models.CharField(_("hotline"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # Where the map opens on the complaint form.
    latitude = models.DecimalField(
        _("map centre latitude"), max_digits=9, decimal_places=6, default=13.7563
    )
    longitude = models.DecimalField(
        _("map centre longitude"), max_digits=9, decimal_places=6, default=100.5018
    )
    privacy_notice = models.TextField(
        _("privacy notice"),
        blank=True,
        help_text=_("Shown to citizens who give contact details (PDPA). A standard text "
                    "is shown when empty."),
    )  # fmt: skip
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["code"]

    @classmethod
    def active_by_code(cls) -> dict[str, Organisation]:
        """The active organisations by code, read on every public request: kept per
        process for a short while (common.memo); saving one forgets them."""
        return _active_organisations.get(
            None, lambda: {org.code: org for org in cls.objects.filter(is_active=True)}
        )


_active_organisations: ShortLived[dict[str, Organisation]] = ShortLived()


@receiver([post_save, post_delete], sender=Organisation)
def _forget_organisations(**kwargs: object) -> None:
    _active_organisations.forget()
    transaction.on_commit(_active_organisations.forget)


class UnitQuerySet(models.QuerySet["Unit"]):
    def subtree_ids(self, unit: Unit) -> set[int]:
        """Ids of `unit` and every unit below it (the tree is shallow: division → section)."""
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in self.filter(organisation_id=unit.organisation_id).values_list(
            "pk", "parent_id"
        ):
            children.setdefault(parent_id, []).append(pk)
        found, frontier = {unit.pk}, [unit.pk]
        while frontier:
            nxt = [c for p in frontier for c in children.get(p, []) if c not in found]
            found.update(nxt)
            frontier = nxt
        return found


class Unit(TranslatedName):
    """A division or section that does the work (กอง / ฝ่าย / งาน)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    code = models.CharField(_("code"), max_length=20)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["organisation", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="unit_code_unique"),
        ]

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.parent.organisation_id != self.organisation_id:
            raise ValidationError({"parent": _("The parent unit belongs to another organisation.")})
        node: Unit | None = self.parent
        while node is not None:
            if node.pk == self.pk:
                raise ValidationError({"parent": _("A unit cannot be placed under itself.")})
            node = node.parent

    def contains(self, other: Unit) -> bool:
        """True when `other` is this unit or lies below it."""
        node: Unit | None = other
        while node is not None:
            if node.pk == self.pk:
                return True
            node = node.parent
        return False


class Contractor(models.Model):
    """A private firm that does work for the organisation (e.g. street-light repair)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="contractors",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contractor")
        verbose_name_plural = _("contractors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExternalAgency(TranslatedName):
    """Another body's hotline a case outside our powers is referred to (water, electricity)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("organisation"),
    )
    hotline = models.CharField(_("hotline"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("external agency")
        verbose_name_plural = _("external agencies")
        ordering = ["name"]


class StaffQuerySet(models.QuerySet["Staff"]):
    def active(self) -> StaffQuerySet:
        return self.filter(is_active=True, user__is_active=True)


class Staff(QuickDisplay, models.Model):
    """A user's membership of one organisation, with one role and (for unit roles) a unit."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="staff", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("unit"),
    )
    contractor = models.ForeignKey(
        Contractor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("contractor"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[phone_validator])
    is_active = models.BooleanField(_("active"), default=True)

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["organisation", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="staff_once_per_org"),
        ]

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} ({self.get_role_display()})"

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.role in UNIT_ROLES and self.unit_id is None:
            errors["unit"] = _("A unit head, officer or contractor must belong to a unit.")
        if self.unit_id and self.unit.organisation_id != self.organisation_id:
            errors["unit"] = _("This unit belongs to another organisation.")
        if self.role == Role.CONTRACTOR and self.contractor_id is None:
            errors["contractor"] = _("Choose the firm this contractor works for.")
        if self.contractor_id and self.contractor.organisation_id != self.organisation_id:
            errors["contractor"] = _("This contractor belongs to another organisation.")
        if errors:
            raise ValidationError(errors)


class TOTPDevice(models.Model):
    """An authenticator app enrolled by a supervisor or administrator (optional)."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="totp", verbose_name=_("user")
    )
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    def __str__(self) -> str:
        return str(self.user)


# The choices of the case list's filter and bulk-action menus, read on every list page.
_unit_choices: ShortLived[list[Unit]] = ShortLived()
_assignee_choices: ShortLived[list[Staff]] = ShortLived()


def unit_choices(organisation_id: int) -> list[Unit]:
    """The organisation's active units (kept per process for a short while)."""
    return _unit_choices.get(
        organisation_id,
        lambda: list(Unit.objects.filter(organisation_id=organisation_id, is_active=True)),
    )


def assignee_choices(organisation_id: int) -> list[Staff]:
    """The active people cases can be assigned to (kept per process for a short while)."""
    return _assignee_choices.get(
        organisation_id,
        lambda: list(
            Staff.objects.active()
            .filter(
                organisation_id=organisation_id,
                role__in=[Role.OFFICER, Role.CONTRACTOR, Role.UNIT_HEAD],
            )
            .select_related("user")
        ),
    )


@receiver([post_save, post_delete], sender=Unit)
@receiver([post_save, post_delete], sender=Staff)
def _forget_choices(instance: Unit | Staff, **kwargs: object) -> None:
    for cache in (_unit_choices, _assignee_choices):
        cache.forget(instance.organisation_id)
        transaction.on_commit(lambda c=cache: c.forget(instance.organisation_id))
