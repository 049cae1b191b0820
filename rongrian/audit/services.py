"""The personal-data access log: every showing of a complainant's contact details is
recorded with who, when and which case."""

from __future__ import annotations

from rongrian.org.choices import Role
from rongrian.org.models import Staff

from .models import PersonalDataAccess

# Roles whose work is talking to complainants see contact details directly (logged).
SEES_CONTACTS = frozenset({Role.INTAKE, Role.SUPERVISOR, Role.COUNTER})
# Roles that may reveal them on request when the work needs it (logged).
MAY_REVEAL = frozenset({Role.UNIT_HEAD, Role.OFFICER, Role.EXECUTIVE})
# Contractors never see them.


def contact_access(staff: Staff) -> str:
    """'shown', 'masked' (may reveal) or 'hidden'."""
    if staff.role in SEES_CONTACTS:
        return "shown"
    if staff.role in MAY_REVEAL:
        return "masked"
    return "hidden"


def log_access(*, staff: Staff, case_id: int | None, how: str, rows: int = 1) -> None:
    PersonalDataAccess.objects.create(
        organisation_id=staff.organisation_id, user_id=staff.user_id, case_id=case_id,
        how=how, rows=rows,
    )  # fmt: skip


def mask(value: str) -> str:
    """0812345678 → 08••••••78; somchai@example.com → s••••••@example.com."""
    if not value:
        return ""
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:1]}••••••@{domain}"
    if len(value) <= 4:
        return "••••"
    return f"{value[:2]}{'•' * (len(value) - 4)}{value[-2:]}"
