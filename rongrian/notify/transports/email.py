"""E-mail through Django's configured mail backend (SMTP in production)."""

from django.conf import settings
from django.core.mail import send_mail

from . import Message, TransportError


class EmailTransport:
    def send(self, message: Message) -> None:
        try:
            send_mail(
                message.subject,
                message.body,
                settings.DEFAULT_FROM_EMAIL,
                [message.address],
                fail_silently=False,
            )
        except Exception as exc:  # SMTP and socket errors alike are retried
            raise TransportError(f"e-mail: {exc}") from exc
