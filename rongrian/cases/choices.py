from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    FORWARDED = "forwarded", _("Forwarded to unit")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by unit")
    ASSIGNED = "assigned", _("Assigned to officer")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REFERRED = "referred", _("Referred to another agency")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged into another case")
    RETURNED = "returned", _("Returned for screening")
    REOPENED = "reopened", _("Reopened")


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone / hotline")
    WEB = "web", _("Website")
    LINE = "line", _("LINE")
    EMAIL = "email", _("E-mail")
    API = "api", _("API")


class Action(models.TextChoices):
    RECEIVE = "receive", _("Receive")
    FORWARD = "forward", _("Forward to unit")
    REFER = "refer", _("Refer to external agency")
    REJECT = "reject", _("Reject")
    MERGE = "merge", _("Merge into another case")
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    ASSIGN = "assign", _("Assign")
    RETURN = "return", _("Return to screening")
    START = "start", _("Start work")
    PROGRESS = "progress", _("Report progress")
    HOLD = "hold", _("Put on hold")
    RESUME = "resume", _("Resume")
    RESOLVE = "resolve", _("Resolve")
    CLOSE = "close", _("Close")
    REOPEN = "reopen", _("Reopen")
    NOTE = "note", _("Note")


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo from the complainant")
    PROGRESS = "progress", _("Progress photo")
    AFTER = "after", _("After photo")
    DOCUMENT = "document", _("Document")
