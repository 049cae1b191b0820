from django.db import models
from django.utils.translation import gettext_lazy as _


class DayCount(models.TextChoices):
    BUSINESS = "business", _("business days")
    CALENDAR = "calendar", _("calendar days")
