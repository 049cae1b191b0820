"""Stage clocks: every stage of a case runs against a deadline stored when it starts.

A `StageClock` row is one run of one stage of one case. While it runs, `due_at` is
set and `finished_at` is empty; the partial index on `due_at` over running, unpaused
clocks makes "what is overdue now" one indexed range scan however many cases there
are. When the stage ends the row keeps its outcome (on time, late, not counted), so
KPIs read history instead of recomputing it from the calendar.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from rongrian.common.memo import ShortLived
from rongrian.common.models import QuickDisplay
from rongrian.org.models import Organisation, Unit
from rongrian.sla.choices import Outcome, ScreeningRule, Stage

RUNNING = models.Q(finished_at__isnull=True, paused_at__isnull=True)


def _bounded(low: int, high: int) -> list[object]:
    return [MinValueValidator(low), MaxValueValidator(high)]


class SlaPolicy(models.Model):
    """An organisation's time targets for every stage but resolution (that is per category).

    Without a row the defaults apply: the Lampang targets (5 minutes to screen, 5 to
    assign) and the Bangkok 1555 rules (acknowledge in 1 business day from the next day,
    first report within 3 business days, reports on the 15th and 30th)."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="sla_policy",
        verbose_name=_("organisation"),
    )
    screening_rule = models.CharField(
        _("screening target"),
        max_length=16,
        choices=ScreeningRule.choices,
        default=ScreeningRule.MINUTES,
    )
    screening_minutes = models.PositiveSmallIntegerField(
        _("minutes to screen and forward"), default=5, validators=_bounded(1, 480)
    )
    assign_minutes = models.PositiveSmallIntegerField(
        _("minutes to assign after acknowledging"), default=5, validators=_bounded(1, 480)
    )
    acknowledge_days = models.PositiveSmallIntegerField(
        _("business days to acknowledge"),
        default=1,
        validators=_bounded(1, 30),
        help_text=_("Counted from the day after the case was forwarded."),
    )
    first_progress_days = models.PositiveSmallIntegerField(
        _("business days to the first progress report"), default=3, validators=_bounded(1, 60)
    )
    periodic_reports = models.BooleanField(
        _("progress reports on the 15th and 30th"),
        default=True,
        help_text=_("Until finished, the unit reports on the 15th and the 30th of every month "
                    "(the last day of February)."),
    )  # fmt: skip
    default_resolution_days = models.PositiveSmallIntegerField(
        _("resolution target without a category (business days)"),
        default=7,
        validators=_bounded(1, 365),
    )
    confirm_days = models.PositiveSmallIntegerField(
        _("days for the complainant to confirm or dispute"),
        default=7,
        validators=_bounded(1, 60),
        help_text=_("After this many days a resolved case closes by itself."),
    )
    escalate_after_minutes = models.PositiveIntegerField(
        _("working minutes before escalating to the supervisor"),
        default=480,
        validators=_bounded(1, 10 * 480),
        help_text=_("The unit head is told when work is overdue; the centre supervisor is "
                    "told if it is still overdue this much working time later."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("time targets")
        verbose_name_plural = _("time targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    screening_minutes__gte=1,
                    screening_minutes__lte=480,
                    assign_minutes__gte=1,
                    assign_minutes__lte=480,
                    acknowledge_days__gte=1,
                    acknowledge_days__lte=30,
                    first_progress_days__gte=1,
                    first_progress_days__lte=60,
                    default_resolution_days__gte=1,
                    default_resolution_days__lte=365,
                    confirm_days__gte=1,
                    confirm_days__lte=60,
                    escalate_after_minutes__gte=1,
                    escalate_after_minutes__lte=4800,
                ),
                name="sla_policy_ranges",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    @classmethod
    def for_organisation(cls, organisation_id: int) -> SlaPolicy:
        """The stored policy, or the defaults (unsaved) when the organisation has none.

        Read on every transition, so kept per process for a short while (common.memo)."""
        return _policies.get(
            organisation_id,
            lambda: (
                cls.objects.filter(organisation_id=organisation_id).first()
                or cls(organisation_id=organisation_id)
            ),
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        _policies.forget(self.organisation_id)
        transaction.on_commit(lambda: _policies.forget(self.organisation_id))


_policies: ShortLived[SlaPolicy] = ShortLived()


class StageClock(QuickDisplay, models.Model):
    case = models.ForeignKey(  # indexed by clock_case_stage
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="clocks",
        verbose_name=_("case"),
        db_index=False,
    )
    # The case's organisation (never changes), so an organisation's overdue and escalated
    # stages are counted from this table's own indexes without visiting the cases.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("organisation"),
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    # The unit answerable for this stage when it started (None: the centre).
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("unit")
    )
    business_time = models.BooleanField(
        _("counts business time"),
        default=True,
        help_text=_("A pause moves the deadline by working time, else by calendar time."),
    )
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(_("result"), max_length=10, choices=Outcome.choices, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(_("minutes paused"), default=0)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    next_escalation_at = models.DateTimeField(_("escalate further at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage clock")
        verbose_name_plural = _("stage clocks")
        ordering = ["case", "started_at"]
        indexes = [
            models.Index(fields=["due_at"], condition=RUNNING, name="clock_running_due"),
            models.Index(
                fields=["next_escalation_at"],
                condition=RUNNING & models.Q(escalation_level=1),
                name="clock_escalate_further",
            ),
            models.Index(fields=["case", "stage"], name="clock_case_stage"),
            # A case's running deadlines, soonest first (every list row's "next deadline",
            # the late queues' check of a unit's cases), read from the index alone.
            models.Index(
                fields=["case", "due_at"],
                include=["stage"],
                condition=RUNNING,
                name="clock_running_case",
            ),
            models.Index(
                fields=["organisation", "due_at"],
                include=["case"],
                condition=RUNNING,
                name="clock_org_running_due",
            ),
            models.Index(
                fields=["organisation", "due_at"],
                include=["case"],
                condition=models.Q(finished_at__isnull=True, escalation_level__gt=0),
                name="clock_org_escalated_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.stage} → {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_running(self) -> bool:
        return self.finished_at is None


class Escalation(models.Model):
    """An overdue stage brought to someone's attention; once per stage run and level."""

    clock = models.ForeignKey(
        StageClock, on_delete=models.PROTECT, related_name="escalations", verbose_name=_("stage")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="escalations", verbose_name=_("case")
    )
    level = models.PositiveSmallIntegerField(_("level"))
    created_at = models.DateTimeField(_("escalated"))
    recipients = models.TextField(_("told"), blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["clock", "level"], name="escalation_once_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} L{self.level}"
