from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    LINE = "line", _("LINE")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (gave up)")


class Kind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    STATUS = "status", _("Case status changed")
    ASSIGNMENT = "assignment", _("Work assigned")
    ESCALATION = "escalation", _("Overdue work escalated")
