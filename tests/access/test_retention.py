"""What was never confirmed is forgotten after ``RETENTION_DAYS``; decided requests after
``ACCESS_DECLINE_DAYS``: through :func:`purge_expired` and ``kennisbank access purge``."""

from __future__ import annotations

from datetime import timedelta

from kennisbank.access import purge_expired
from kennisbank.access.models import AccessRequest, OutsideMessage
from kennisbank.extensions import db
from kennisbank.models import utcnow
from tests.access.conftest import request_form


def _rows(app) -> tuple[list[str], list[str]]:
    with app.app_context():
        requests = db.session.scalars(db.select(AccessRequest.email).order_by(AccessRequest.id))
        messages = db.session.scalars(db.select(OutsideMessage.subject)
                                      .order_by(OutsideMessage.id))
        return list(requests), list(messages)


def _age(app, model, days: float, **where) -> None:
    with app.app_context():
        for row in db.session.scalars(db.select(model).filter_by(**where)):
            row.created_at = utcnow() - timedelta(days=days)
        db.session.commit()


def test_unconfirmed_requests_and_messages_are_deleted_after_the_retention_period(
        app, client, contact, runner):
    for email in ("old@example.org", "new@example.org"):
        client.post("/en/request-access", data=request_form(email=email))
    for subject in ("Old", "New"):
        client.post(f"/en/contact/{contact['item_contact']}", data={
            "name": "J", "email": f"{subject.lower()}@tartu.example",
            "sender_organisation": "Tartu", "subject": subject, "body": "Hi", "website": ""})
    _age(app, AccessRequest, 31, email="old@example.org")
    _age(app, OutsideMessage, 31, subject="Old")
    _age(app, AccessRequest, 29, email="new@example.org")
    with app.app_context():
        counts = purge_expired(utcnow())
        db.session.commit()
    assert counts == {"unconfirmed_requests": 1, "decided_requests": 0, "unconfirmed_messages": 1}
    assert _rows(app) == (["new@example.org"], ["New"])

    _age(app, AccessRequest, 40, email="new@example.org")
    _age(app, OutsideMessage, 40, subject="New")
    result = runner.invoke("access", "purge")
    assert result.exit_code == 0
    assert "Deleted 1 unconfirmed access requests, 0 decided access requests and " \
           "1 unconfirmed messages." in result.output
    assert _rows(app) == ([], [])


def test_confirmed_things_are_kept_and_decided_requests_go_after_the_decline_period(app):
    app.config["RETENTION_DAYS"] = 7
    with app.app_context():
        old = utcnow() - timedelta(days=60)
        db.session.add_all([
            AccessRequest(name="P", email="pending@example.org", state="pending", created_at=old,
                          confirmed_at=old),
            AccessRequest(name="D", email="declined@example.org", state="declined",
                          created_at=old, decided_at=utcnow() - timedelta(days=91)),
            AccessRequest(name="R", email="recent@example.org", state="declined",
                          created_at=old, decided_at=utcnow() - timedelta(days=10)),
            AccessRequest(name="U", email="week@example.org", created_at=utcnow()
                          - timedelta(days=8)),
        ])
        db.session.commit()
        assert purge_expired(utcnow()) == {"unconfirmed_requests": 1, "decided_requests": 1,
                                           "unconfirmed_messages": 0}
        db.session.commit()
    assert _rows(app)[0] == ["pending@example.org", "recent@example.org"]
