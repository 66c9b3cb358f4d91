"""Pluggable SMS sending. SMS_BACKEND names a class with `send(mobile: str, text: str) -> None`.

Shipped: `ConsoleSmsSender` (development: logs the message), `FileSmsSender` (one file per message under
SMS_FILE_PATH), `MemorySmsSender` (tests: `MemorySmsSender.outbox`). A real gateway (e.g. a provincial
government SMS platform or a cloud SMS service) is a class with the same method that raises SmsError on
failure; see docs/sms.md.
"""

import logging
import time
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(RuntimeError):
    """The gateway refused or failed to take the message."""


class ConsoleSmsSender:
    def send(self, mobile: str, text: str) -> None:
        # SECURITY: the number is masked in logs; the text is ours (no personal data beyond a link).
        logger.info("SMS to %s****%s: %s", mobile[:3], mobile[-4:], text)


class FileSmsSender:
    def send(self, mobile: str, text: str) -> None:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{time.time_ns()}.txt").write_text(f"To: {mobile}\n\n{text}\n", encoding="utf-8")


class MemorySmsSender:
    outbox: list[tuple[str, str]] = []

    def send(self, mobile: str, text: str) -> None:
        MemorySmsSender.outbox.append((mobile, text))


def send_sms(mobile: str, text: str) -> None:
    """Send through the configured backend."""
    import_string(settings.SMS_BACKEND)().send(mobile, text)
