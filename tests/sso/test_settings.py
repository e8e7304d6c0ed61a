"""Single sign-on settings read as an operator writes them (no provider needed)."""

from __future__ import annotations

from kennisbank.auth.oidc import _domains, _labels, allow_form_action
from kennisbank.auth.sso_accounts import verified
from kennisbank.security import DEFAULT_CSP


def test_domains_come_as_a_comma_list_or_a_list() -> None:
    assert _domains("deventer.nl, @OB.Deventer.nl,") == ["deventer.nl", "ob.deventer.nl"]
    assert _domains(["Deventer.nl"]) == ["deventer.nl"]
    assert _domains([]) == []


def test_a_label_is_one_text_or_one_per_language() -> None:
    assert _labels("Log in") == {"nl": "Log in", "en": "Log in"}
    assert _labels({"nl": "Inloggen"}) == {"nl": "Inloggen"}
    assert _labels(None) == {}


def test_form_action_gains_the_provider_once() -> None:
    once = allow_form_action(DEFAULT_CSP, "https://idp.example.org")
    assert "form-action 'self' https://idp.example.org" in once
    assert allow_form_action(once, "https://idp.example.org") == once
    assert allow_form_action("default-src 'self'", "https://idp.example.org") == (
        "default-src 'self'")


def test_only_a_true_email_verified_counts() -> None:
    assert verified({"email_verified": True}) and verified({"email_verified": "true"})
    for value in (False, "false", None, 1, "yes"):
        assert not verified({"email_verified": value})
    assert not verified({})
