"""Development transport: writes each message to the log instead of sending it."""

import logging

from . import Message

log = logging.getLogger("rongrian.notify")


class LoggingTransport:
    def send(self, message: Message) -> None:
        log.info("notify → %s | %s | %s", message.address, message.subject, message.body)
