"""A real SMTP server on loopback for the tests: aiosmtpd in a thread of the test process.

:class:`MailServer` keeps every message it accepted (``received``, across
restarts), can refuse chosen recipients with a 5xx or 4xx reply, and can be
stopped and started again on the same port within a test, to show what the
outbox does while the server is down and after it comes back.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One accepted message: the envelope and the parsed mail."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def mail(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=default)  # type: ignore[return-value]

    def part(self, subtype: str) -> str:
        """The ``text/<subtype>`` alternative, decoded."""
        found = self.mail.get_body(preferencelist=(subtype,))
        assert found is not None and found.get_content_subtype() == subtype, subtype
        return str(found.get_content())


class _Handler:
    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        reply = self.server.refusals.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.server.delay:
            await asyncio.sleep(self.server.delay)
        with self.server.lock:
            self.server.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                                 bytes(envelope.original_content)))
        return "250 2.0.0 OK queued"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class MailServer:
    """``start()``, ``stop()``, ``start()`` again: always the same port."""

    def __init__(self, port: int | None = None) -> None:
        self.host = HOST
        self.port = port or free_port()
        self.received: list[Received] = []
        self.refusals: dict[str, str] = {}
        #: Seconds each DATA takes, to make concurrent senders overlap.
        self.delay = 0.0
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def settings(self) -> dict[str, Any]:
        """The app's MAIL_* settings for this server. Mail is sent inside the commit
        call (``MAIL_SEND_IN_REQUEST``), so a test sees it as soon as a request ends."""
        return {"MAIL_SERVER": self.host, "MAIL_PORT": self.port, "MAIL_TIMEOUT": 5,
                "MAIL_SENDER": "kennisbank@deventer.example", "MAIL_SEND_IN_REQUEST": True}

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The messages received, once there are ``count`` (for mail sent in the background)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.received)

    def start(self) -> MailServer:
        if self._controller is None:
            self._controller = Controller(_Handler(self), hostname=self.host, port=self.port,
                                          ready_timeout=10)
            self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def refuse(self, address: str, reply: str = "550 5.1.1 No such user here") -> None:
        """Answer RCPT TO ``address`` with ``reply`` (a 4xx reply: "try later")."""
        self.refusals[address.lower()] = reply

    def to(self, address: str) -> list[Received]:
        """The messages accepted for ``address``."""
        return [r for r in self.received if address in r.rcpt_tos]
