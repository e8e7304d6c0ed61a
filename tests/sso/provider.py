"""The single sign-on tests' OpenID provider: npm's certified ``oidc-provider`` on loopback.

:class:`OidcProvider` starts ``provider.mjs`` with Debian's Node.js, with one
client (this site) and the test accounts of :data:`ACCOUNTS`, and stops it
again. :func:`walk_provider` plays the person at the provider through plain
HTTP: it follows the provider's redirects, fills in its login form and
confirms its consent form, and returns where the provider finally sends the
browser (the site's callback, with ``code`` and ``state``).

Without Node.js the tests that need it skip, saying so; a missing npm package
is a failure that says how to install it (``make system-deps``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import requests

from tests.servers import free_port

NODE = shutil.which("node") or shutil.which("nodejs")
NODE_MISSING = "Node.js not found: run `make system-deps` (apt-get install nodejs npm)"
MODULE = Path(sys.prefix) / "npm" / "node_modules" / "oidc-provider" / "lib" / "index.js"
SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "kennisbank"
CLIENT_SECRET = "kennisbank-test-client-secret"  # noqa: S105 (a test provider's client)
START_TIMEOUT = 30.0

#: The provider's people, by login name: Deventer staff, one whose address the provider
#: has not verified, and one from a domain that does not log in there.
ACCOUNTS: dict[str, dict[str, object]] = {
    "anna": {"email": "anna@deventer.example", "email_verified": True, "name": "Anna de Vries"},
    "bram": {"email": "bram@deventer.example", "email_verified": True, "name": "Bram Smit"},
    "carla": {"email": "carla@deventer.example", "email_verified": True, "name": "Carla Jansen"},
    "dirk": {"email": "dirk@deventer.example", "email_verified": True, "name": "Dirk Bos"},
    "unverified": {"email": "eva@deventer.example", "email_verified": False, "name": "Eva"},
    "outsider": {"email": "olga@elsewhere.example", "email_verified": True, "name": "Olga"},
}


class OidcProvider:
    """One running provider process; ``issuer`` is its address."""

    def __init__(self, redirect_uri: str, accounts: dict[str, dict[str, object]] | None = None,
                 log: Path | None = None) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.redirect_uri = redirect_uri
        self.accounts = accounts or ACCOUNTS
        self.log_lines: list[str] = []
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        if NODE is None:
            raise RuntimeError(NODE_MISSING)
        if not MODULE.exists():
            raise RuntimeError(f"npm package oidc-provider is missing ({MODULE}): "
                               "run `make system-deps`")
        env = {**os.environ, "OIDC_PROVIDER_MODULE": str(MODULE), "OIDC_PORT": str(self.port),
               "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
               "OIDC_REDIRECT_URI": self.redirect_uri, "OIDC_ACCOUNTS": json.dumps(self.accounts),
               "NODE_ENV": "test"}
        self.process = subprocess.Popen(
            [NODE, str(SCRIPT)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, start_new_session=True,
        )
        ready = threading.Event()

        def read() -> None:
            assert self.process is not None and self.process.stdout is not None
            for line in self.process.stdout:
                self.log_lines.append(line.rstrip())
                if line.startswith("ready "):
                    ready.set()

        threading.Thread(target=read, name="oidc-provider-log", daemon=True).start()
        if not ready.wait(START_TIMEOUT):
            self.stop()
            raise RuntimeError("the OpenID provider did not start:\n" + "\n".join(self.log_lines))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def settings(self, **extra: object) -> dict[str, object]:
        """The app settings that make this provider the site's single sign-on."""
        return {"SSO_ISSUER": self.issuer, "SSO_CLIENT_ID": CLIENT_ID,
                "SSO_CLIENT_SECRET": CLIENT_SECRET, "SSO_REDIRECT_URI": self.redirect_uri,
                "SSO_DOMAINS": ["deventer.example"], "SSO_NAME": "Deventer", **extra}


class _Forms(HTMLParser):
    """The POST forms of a page: action and the values of their named inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and values.get("method", "").lower() == "post":
            self.forms.append((values.get("action", ""), {}))
        elif tag == "input" and self.forms and values.get("name"):
            self.forms[-1][1][values["name"]] = values.get("value", "")


def walk_provider(start_url: str, login: str, *, redirect_uri: str,
                  session: requests.Session | None = None, cancel: bool = False,
                  limit: int = 20) -> str:
    """Log in as ``login`` at the provider and consent; returns the final redirect URL.

    Stops at the first redirect to ``redirect_uri`` (the site's callback). The
    ``session`` keeps the provider's cookies between calls, as a browser would.
    ``cancel``: choose the provider's "cancel" link on its login page instead.
    """
    http = session or requests.Session()
    url, method, data = start_url, "GET", None
    for _step in range(limit):
        response = http.request(method, url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            method, data = "GET", None
            if url.startswith(redirect_uri):
                return url
            continue
        parser = _Forms()
        parser.feed(response.text)
        if response.status_code != 200 or not parser.forms:
            raise AssertionError(f"provider answered {response.status_code}: {response.text[:500]}")
        action, fields = parser.forms[0]
        if cancel:
            url, method, data = urljoin(url, action.rstrip("/") + "/abort"), "GET", None
            continue
        if fields.get("prompt") == "login":
            fields.update(login=login, password="any password")
        url, method, data = urljoin(url, action), "POST", fields
    raise AssertionError("the provider never sent the browser back")
