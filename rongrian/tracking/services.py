"""What the complainant may see of their case: plain words, no staff names, no internal notes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from rongrian.cases.choices import Action, AttachmentKind, Status
from rongrian.cases.models import Attachment, Case, CaseEvent

# One plain sentence per status, for a citizen who has never seen the process.
STATUS_SENTENCES = {
    Status.RECEIVED: _("We have your complaint and are sending it to the unit responsible."),
    Status.RETURNED: _("We are checking which unit is responsible for your complaint."),
    Status.FORWARDED: _("Your complaint is with the unit responsible; they will confirm receipt."),
    Status.ACKNOWLEDGED: _("The unit has your complaint and is choosing who will fix it."),
    Status.ASSIGNED: _("An officer has been given the work."),
    Status.IN_PROGRESS: _("The work is under way."),
    Status.ON_HOLD: _("The work is waiting for information; see the latest note below."),
    Status.RESOLVED: _("The unit reports the problem fixed. Please tell us whether it is."),
    Status.CLOSED: _("This complaint is finished. Thank you for telling us."),
    Status.REFERRED: _("This problem belongs to another agency; we passed it on and follow it."),
    Status.REJECTED: _("We could not take this complaint on; the reason is below."),
    Status.MERGED: _("Someone reported the same problem; we follow it under one number."),
    Status.REOPENED: _("You told us the problem is not fixed; the unit is working on it again."),
}

# Actions whose reason or note the complainant is meant to read.
PUBLIC_TEXT = {Action.REJECT, Action.HOLD, Action.RESOLVE, Action.REOPEN, Action.PROGRESS,
               Action.CLOSE, Action.REFER}  # fmt: skip


@dataclass(frozen=True)
class PublicEvent:
    at: dt.datetime
    title: str
    text: str


def public_timeline(case: Case) -> list[PublicEvent]:
    events = []
    shown = case.events.filter(is_public=True).order_by("seq")
    for event in shown.only("at", "action", "to_status", "reason", "note", "data", "case_id"):
        if event.action == Action.NOTE:
            title = str(_("Message from the municipality"))
        elif event.action == Action.RECEIVE:
            title = str(_("Complaint received"))
        else:
            title = str(Status(event.to_status).label)
        events.append(PublicEvent(at=event.at, title=title, text=public_text(event)))
    return events


def public_text(event: CaseEvent) -> str:
    """The words of a public event the complainant may read, on the tracking page and in
    the updates sent to them: the reason or note of the actions meant for them, and never
    the notes staff write to each other on the others (a forward, an assignment)."""
    if event.action == Action.REFER and event.data.get("agency_name"):
        return str(_("Passed to %(agency)s (hotline %(hotline)s).")) % {
            "agency": event.data["agency_name"],
            "hotline": event.data.get("hotline") or "—",
        }
    if event.action == Action.MERGE:
        into = event.data.get("into")
        return str(_("Followed under number %(receipt)s.")) % {"receipt": into} if into else ""
    if event.action in PUBLIC_TEXT or event.action == Action.NOTE:
        return event.reason or event.note
    return ""


# What the complainant may open: their own photos and the unit's after-photos; never
# the staff's progress photos or documents.
CITIZEN_KINDS = (AttachmentKind.PHOTO, AttachmentKind.AFTER)


def citizen_photos(case: Case) -> tuple[list[Attachment], list[Attachment]]:
    """The complainant's own photos and the after-photos, in one query."""
    own: list[Attachment] = []
    after: list[Attachment] = []
    shown = case.attachments.filter(kind__in=CITIZEN_KINDS).order_by("created_at")
    for photo in shown.only("pk", "kind", "case_id"):
        (after if photo.kind == AttachmentKind.AFTER else own).append(photo)
    return own, after
