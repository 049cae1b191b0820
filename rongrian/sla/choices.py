from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation's own holiday")
    CABINET = "cabinet", _("Special holiday announced by the cabinet")
