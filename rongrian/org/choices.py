from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INTAKE = "intake", _("Intake officer")
    UNIT_HEAD = "unit_head", _("Unit head")
    OFFICER = "officer", _("Officer")
    CONTRACTOR = "contractor", _("Contractor")
    SUPERVISOR = "supervisor", _("Centre supervisor")
    EXECUTIVE = "executive", _("Executive")
    COUNTER = "counter", _("Counter officer")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that belong to one unit and see only that unit's work.
UNIT_ROLES = frozenset({Role.UNIT_HEAD, Role.OFFICER, Role.CONTRACTOR})
