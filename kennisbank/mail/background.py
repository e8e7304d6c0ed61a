"""Sending after the commit without holding up the response: one thread per process.

When a request queues mail, the commit hands the new ids to this thread and
the response goes out at once. So the time an answer takes never depends on
whether a mail was sent: a password-reset form answers as fast for an unknown
address as for a known one, and a slow mail server slows no page. The thread
is started on first use in each process (after a fork it starts anew), sends
in an app context of its own, and at exit gets a few seconds to finish; what it
does not finish stays in the outbox for the next sender (the claim's lease and
the ``sending`` state cover a thread stopped mid-conversation, see
:mod:`kennisbank.mail.sender`).
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading

from flask import Flask

EXTENSION_KEY = "kennisbank.mail.background"
#: Due messages from earlier transactions sent along with each batch.
BACKLOG = 10
EXIT_WAIT = 5.0

log = logging.getLogger(__name__)


class BackgroundSender:
    """A queue of id lists and the thread that sends them."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.pid = 0
        self.queue: queue.SimpleQueue[list[int] | None] = queue.SimpleQueue()
        self.thread: threading.Thread | None = None

    def submit(self, ids: list[int]) -> None:
        with self.lock:
            if self.pid != os.getpid() or self.thread is None or not self.thread.is_alive():
                self._start()
        self.queue.put(list(ids))

    def _start(self) -> None:
        first = self.pid == 0
        self.pid = os.getpid()
        self.queue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name="kennisbank-mail", daemon=True)
        self.thread.start()
        if first:
            atexit.register(self.stop)

    def _run(self) -> None:
        from .sender import drain

        while (ids := self.queue.get()) is not None:
            try:
                with self.app.app_context():
                    drain(first=ids, limit=len(ids) + BACKLOG)
            except Exception:
                log.exception("mail not sent after commit; it stays in the outbox")

    def stop(self, timeout: float = EXIT_WAIT) -> None:
        """Let the thread finish what was handed to it (at most ``timeout`` seconds)."""
        thread = self.thread
        if thread is not None and thread.is_alive() and self.pid == os.getpid():
            self.queue.put(None)
            thread.join(timeout)


def background_sender(app: Flask) -> BackgroundSender:
    sender = app.extensions.get(EXTENSION_KEY)
    if sender is None:
        sender = app.extensions[EXTENSION_KEY] = BackgroundSender(app)
    return sender
