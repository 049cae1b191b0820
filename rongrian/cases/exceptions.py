"""Errors a person can act on; each message is translated and says what was wrong."""

from django.utils.translation import gettext_lazy as _


class CaseError(Exception):
    """Base for refusals of a case operation; `str(error)` is the message to show."""

    default_message = _("The operation was refused.")

    def __init__(self, message: object = None) -> None:
        self.message = message if message is not None else self.default_message
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


class IllegalTransition(CaseError):
    default_message = _("This action is not possible in the case's current status.")


class NotPermitted(CaseError):
    default_message = _("Your role does not allow this action on this case.")


class StaleCase(CaseError):
    default_message = _(
        "Someone else changed this case a moment ago. Reload the page to see what changed."
    )


class InvalidInput(CaseError):
    default_message = _("Some of the information given is not valid.")
