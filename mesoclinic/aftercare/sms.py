"""Text messages: a small interface so a practice plugs in its own SMS gateway.

``AFTERCARE_SMS_SENDER`` names a class (dotted path) with ``send(to, body)``. The default
writes only that a message was handed over, and its length: never the number or the text,
which are patient data.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_SENDER = "mesoclinic.aftercare.sms.LogSmsSender"


class SmsSender(Protocol):
    def send(self, to: str, body: str) -> None:
        """Send ``body`` to the phone number ``to``; raise on failure so the send is retried."""


class LogSmsSender:
    """Development sender: logs that a message would be sent, with no patient data."""

    def send(self, to: str, body: str) -> None:
        logger.info("SMS of %d characters handed to the log sender (not delivered)", len(body))


def get_sms_sender() -> SmsSender:
    sender_class = import_string(getattr(settings, "AFTERCARE_SMS_SENDER", DEFAULT_SENDER))
    sender: SmsSender = sender_class()
    return sender
