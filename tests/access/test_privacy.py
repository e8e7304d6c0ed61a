"""What the way in keeps about an account holder: in their data download, and gone with
their account (``kennisbank.access.privacy``, registered by the privacy feature)."""

from __future__ import annotations

import json

from kennisbank.access.models import AccessRequest, OutsideMessage, OutsideReply
from kennisbank.access.privacy import export_for, forget
from kennisbank.extensions import db
from kennisbank.models import User, utcnow


def test_an_approved_request_and_replies_are_exported_and_forgotten(app, make_user):
    person = make_user("contributor", email="ana@sibiu.example")
    other = make_user("reader", email="other@example.org")
    with app.app_context():
        user = db.session.get(User, person.id)
        db.session.add_all([
            AccessRequest(name="Ana", email=user.email, state="approved", user=user,
                          organisation_name="Primăria Sibiu", city="Sibiu",
                          reason="Bicycle streets", decided_at=utcnow()),
            AccessRequest(name="Else", email=other.email, state="pending"),
            OutsideMessage(name="Jonas", email="j@tartu.example", subject="Hi", body="Hello",
                           replies=[OutsideReply(sender=user, subject="Re: Hi", body="Hey")]),
        ])
        db.session.commit()
        data = export_for(user)
        json.dumps(data)  # plain data only
        [request] = data["access_requests"]
        assert (request["organisation"], request["reason"]) == ("Primăria Sibiu",
                                                                "Bicycle streets")
        assert data["replies_to_people_without_an_account"][0]["to"] == "Jonas"
        assert export_for(db.session.get(User, other.id))["replies_to_people_without_an_account"] \
            == []

        forget(user)
        db.session.delete(user)
        db.session.commit()
        assert db.session.scalars(db.select(AccessRequest.email)).all() == [other.email]
        reply = db.session.scalars(db.select(OutsideReply)).one()
        assert reply.sender_id is None and reply.body == "Hey"
