"""The case lifecycle: the one table of allowed transitions.

Every status change in the system goes through `find_transition`; services,
the data generator's validator and the pages that offer actions all read this
table, so what a page offers is exactly what the server accepts.

The actor kinds beside the staff roles are the complainant (`citizen`) and
the scheduler (`system`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from rongrian.org.choices import Role

from .choices import Action, Status
from .exceptions import IllegalTransition, NotPermitted

CITIZEN = "citizen"
SYSTEM = "system"

# Where a case can no longer move.
TERMINAL = frozenset({Status.REJECTED, Status.MERGED})
# Where the case waits on the centre's screening desk.
SCREENING = frozenset({Status.RECEIVED, Status.RETURNED})
# Where a unit holds the work.
WITH_UNIT = frozenset(
    {
        Status.FORWARDED,
        Status.ACKNOWLEDGED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.ON_HOLD,
        Status.REOPENED,
    }
)
OPEN = SCREENING | WITH_UNIT | {Status.REFERRED}
# Where stage clocks may still run: open, or resolved and waiting for the complainant.
LIVE = OPEN | {Status.RESOLVED}

_CENTRE = frozenset({Role.INTAKE, Role.SUPERVISOR})
_HEAD = frozenset({Role.UNIT_HEAD})
_WORKERS = frozenset({Role.UNIT_HEAD, Role.OFFICER, Role.CONTRACTOR})


@dataclass(frozen=True)
class Transition:
    action: Action
    source: Status
    # None means "back to the status the case held before it was put on hold".
    target: Status | None
    roles: frozenset[str]
    needs_reason: bool = False


def _rows(
    action: Action,
    sources: Iterable[Status],
    target: Status | None,
    roles: Iterable[str],
    needs_reason: bool = False,
) -> list[Transition]:
    return [Transition(action, s, target, frozenset(roles), needs_reason) for s in sources]


S = Status
TRANSITIONS: tuple[Transition, ...] = tuple(
    _rows(Action.FORWARD, SCREENING, S.FORWARDED, _CENTRE)
    + _rows(Action.REFER, SCREENING, S.REFERRED, _CENTRE)
    + _rows(Action.REJECT, SCREENING, S.REJECTED, _CENTRE, needs_reason=True)
    + _rows(Action.MERGE, SCREENING, S.MERGED, _CENTRE)
    + _rows(Action.ACKNOWLEDGE, [S.FORWARDED, S.REOPENED], S.ACKNOWLEDGED, _HEAD)
    + _rows(
        Action.ASSIGN,
        [S.ACKNOWLEDGED, S.REOPENED, S.ASSIGNED, S.IN_PROGRESS],
        S.ASSIGNED,
        _HEAD,
    )
    + _rows(
        Action.RETURN,
        [S.FORWARDED, S.ACKNOWLEDGED, S.REOPENED],
        S.RETURNED,
        _HEAD,
        needs_reason=True,
    )
    + _rows(Action.START, [S.ASSIGNED], S.IN_PROGRESS, _WORKERS)
    + _rows(Action.PROGRESS, [S.ASSIGNED, S.IN_PROGRESS], S.IN_PROGRESS, _WORKERS)
    + _rows(Action.HOLD, [S.ACKNOWLEDGED], S.ON_HOLD, _HEAD | {Role.SUPERVISOR}, needs_reason=True)
    + _rows(
        Action.HOLD,
        [S.ASSIGNED, S.IN_PROGRESS],
        S.ON_HOLD,
        _WORKERS | {Role.SUPERVISOR},
        needs_reason=True,
    )
    + _rows(Action.RESUME, [S.ON_HOLD], None, _WORKERS | {Role.SUPERVISOR})
    + _rows(Action.RESOLVE, [S.ASSIGNED, S.IN_PROGRESS], S.RESOLVED, _WORKERS, needs_reason=True)
    # The complainant confirms the fix, the scheduler closes it after the
    # confirmation window, or the centre closes it (also a referral once answered).
    + _rows(Action.CLOSE, [S.RESOLVED], S.CLOSED, _CENTRE | {CITIZEN, SYSTEM})
    + _rows(Action.CLOSE, [S.REFERRED], S.CLOSED, _CENTRE, needs_reason=True)
    # The complainant may dispute while the fix awaits confirmation; after
    # closing only the supervisor may reopen (seed 004, rule 5).
    + _rows(Action.REOPEN, [S.RESOLVED], S.REOPENED, {CITIZEN, Role.SUPERVISOR}, needs_reason=True)
    + _rows(Action.REOPEN, [S.CLOSED], S.REOPENED, {Role.SUPERVISOR}, needs_reason=True)
)
del S

_BY_KEY: dict[tuple[Action, Status], Transition] = {(t.action, t.source): t for t in TRANSITIONS}
assert len(_BY_KEY) == len(TRANSITIONS), "one row per (action, source)"


def find_transition(action: Action | str, status: Status | str, role: str) -> Transition:
    """The row that lets `role` take `action` from `status`, or a refusal that says why."""
    action, status = Action(action), Status(status)
    row = _BY_KEY.get((action, status))
    if row is None:
        raise IllegalTransition(
            _("“%(action)s” is not possible while the case is “%(status)s”.")
            % {"action": action.label, "status": status.label}
        )
    if role not in row.roles:
        raise NotPermitted(
            _("Your role (%(role)s) may not “%(action)s” a case that is “%(status)s”.")
            % {"role": role_label(role), "action": action.label, "status": status.label}
        )
    return row


def actions_from(status: Status | str, role: str | None = None) -> list[Action]:
    """The actions the table allows from `status` (for `role`, when given), in table order."""
    seen: list[Action] = []
    for row in TRANSITIONS:
        if row.source == status and (role is None or role in row.roles) and row.action not in seen:
            seen.append(row.action)
    return seen


def role_label(role: str) -> str:
    if role == CITIZEN:
        return _("complainant")
    if role == SYSTEM:
        return _("system")
    try:
        return str(Role(role).label)
    except ValueError:
        return role


def replay(steps: Sequence[tuple[Action | str, str, Status | str, Status | str]]) -> None:
    """Check a recorded timeline: each (action, role, from, to) must follow the table.

    `steps` start after the receive event. Raises IllegalTransition or NotPermitted
    at the first step that breaks the rules; used to validate generated or imported data.
    """
    current: Status = Status.RECEIVED
    held_from: Status | None = None
    for action, role, source, target in steps:
        if Status(source) != current:
            raise IllegalTransition(
                _("Timeline breaks: a step starts at “%(source)s” but the case was “%(current)s”.")
                % {"source": Status(source).label, "current": current.label}
            )
        row = find_transition(action, source, role)
        expected = row.target if row.target is not None else held_from
        if expected is None or Status(target) != expected:
            raise IllegalTransition(
                _("Timeline breaks: “%(action)s” cannot lead to “%(target)s”.")
                % {"action": Action(action).label, "target": Status(target).label}
            )
        if Status(target) == Status.ON_HOLD:
            held_from = current
        current = Status(target)
