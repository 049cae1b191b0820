from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PersonalDataAccess(models.Model):
    """Who saw a complainant's personal data, when, on which case, and how."""

    class How(models.TextChoices):
        VIEW = "view", _("shown on the case page")
        REVEAL = "reveal", _("revealed on request")
        EXPORT = "export", _("exported")

    organisation = models.ForeignKey(
        "org.Organisation", on_delete=models.PROTECT, verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("by")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("case")
    )
    how = models.CharField(_("how"), max_length=8, choices=How.choices)
    rows = models.PositiveIntegerField(_("cases"), default=1)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]
        indexes = [models.Index(fields=["case", "at"], name="pda_case_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.how} {self.case_id}"
