from django.utils import timezone
from django.utils.translation import gettext as _

from rongrian.cases.choices import Status
from rongrian.cases.exceptions import IllegalTransition, InvalidInput
from rongrian.cases.models import Case

from .models import Rating


def rate(case: Case, *, score: int, comment: str = "") -> Rating:
    """The complainant rates the handling once the work is done; a second rating replaces
    the first (they may change their mind after a reopen)."""
    if case.status not in (Status.RESOLVED, Status.CLOSED):
        raise IllegalTransition(_("You can rate the service once the work is done."))
    if not 1 <= int(score) <= 5:
        raise InvalidInput(_("Choose a score from 1 to 5."))
    comment = comment.strip()
    if len(comment) > 1000:
        raise InvalidInput(_("Keep the comment under 1,000 characters."))
    rating, _created = Rating.objects.update_or_create(
        case=case, defaults={"score": int(score), "comment": comment, "created_at": timezone.now()}
    )
    return rating
