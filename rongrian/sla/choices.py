from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation's own holiday")
    CABINET = "cabinet", _("Special holiday announced by the cabinet")


class Stage(models.TextChoices):
    SCREENING = "screening", _("Screening and forwarding")
    ACKNOWLEDGE = "acknowledge", _("Acknowledgement by the unit")
    ASSIGN = "assign", _("Assignment to an officer")
    FIRST_PROGRESS = "first_progress", _("First progress report")
    PERIODIC = "periodic", _("Progress report (15th / 30th)")
    RESOLVE = "resolve", _("Resolution")
    CONFIRM = "confirm", _("Complainant's confirmation")


class Outcome(models.TextChoices):
    MET = "met", _("On time")
    MISSED = "missed", _("Late")
    CANCELLED = "cancelled", _("Not counted")


class ScreeningRule(models.TextChoices):
    MINUTES = "minutes", _("Within working minutes (Lampang: 5 minutes)")
    BUSINESS_DAY = "business_day", _("Within 1 business day (Bangkok 1555)")
