"""``kennisbank municipality-domains``: policy practices counted per policy domain.

Editors plan which practices to collect next by looking at the domains that
have none yet, so every domain is listed, empty ones included, plus the
practices that have no domain at all.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import click
from flask import current_app

from .content import POLICY_DOMAINS, POLICY_PRACTICE


def domain_counts() -> list[dict[str, Any]]:
    """One row per policy domain, in the field's order: code, labels, published and all.

    Reads the core's ``Item`` model, the documented data model every hook
    receives. The last row (code ``None``) counts practices without a domain.
    """
    from kennisbank.extensions import db
    from kennisbank.models import Item

    published: Counter[str | None] = Counter()
    every: Counter[str | None] = Counter()
    query = db.select(Item.status, Item.fields).where(Item.type == POLICY_PRACTICE.name)
    for status, fields in db.session.execute(query):
        code = (fields or {}).get("policy_domain")
        every[code] += 1
        if status == "published":
            published[code] += 1
    codes: list[str | None] = [*POLICY_DOMAINS, None]
    return [
        {
            "code": code,
            "label": dict(POLICY_DOMAINS.get(code or "", {})),
            "published": published[code],
            "all": every[code],
        }
        for code in codes
    ]


@click.command("municipality-domains")
@click.option("--lang", type=click.Choice(["nl", "en"]), default=None,
              help="Language of the domain names (default: the instance's default language).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def municipality_domains(lang: str | None, as_json: bool) -> None:
    """Count policy practices per policy domain (published, and in any status)."""
    rows = domain_counts()
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    lang = lang or current_app.config["DEFAULT_LANGUAGE"]
    names = [row["label"].get(lang, "-") for row in rows]
    width = max(len(name) for name in names)
    click.echo(f"{'code':<12} {'policy domain':<{width}} {'published':>9} {'all':>5}")
    for row, name in zip(rows, names, strict=True):
        code = row["code"] or "(none)"
        click.echo(f"{code:<12} {name:<{width}} {row['published']:>9} {row['all']:>5}")
