"""The two registries privacy work is made of: what an export holds, what is purged.

Each feature that stores something about people contributes here, so the
download of "everything stored about me" and the retention clean-up grow with
the features instead of being kept up to date by hand:

* ``register_export(name, fn)``: ``fn(user)`` returns plain JSON data (dicts,
  lists, strings, numbers; datetimes are written as ISO 8601) for the section
  ``name`` of a person's download. Never a password or token hash.
* ``register_purge(name, fn)``: ``fn(now)`` removes what has outlived its
  retention period and returns how many records went (a number, or a number per
  kind of record as ``{kind: count}``); ``kennisbank privacy purge`` runs them
  all.
* ``register_forget(name, fn)``: ``fn(user)`` removes what a feature keeps
  about a person whose account is being deleted, beyond the rows that point at
  the account (those are handled by :mod:`.deletion` through the schema): rows
  keyed by the e-mail address, such as sent mail.

Every function works in the current database session; the caller commits.

Registering a name again replaces the earlier function.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ..models import User, utcnow

ExportFn = Callable[[User], Any]
PurgeFn = Callable[[datetime], int | dict[str, int] | None]
ForgetFn = Callable[[User], Any]

_exports: dict[str, ExportFn] = {}
_purges: dict[str, PurgeFn] = {}
_forgets: dict[str, ForgetFn] = {}


def register_export(name: str, fn: ExportFn) -> None:
    """Add the section ``name`` to every person's data download."""
    _exports[name] = fn


def unregister_export(name: str) -> None:
    _exports.pop(name, None)


def register_purge(name: str, fn: PurgeFn) -> None:
    """Have ``kennisbank privacy purge`` call ``fn(now)``."""
    _purges[name] = fn


def unregister_purge(name: str) -> None:
    _purges.pop(name, None)


def register_forget(name: str, fn: ForgetFn) -> None:
    """Have account deletion call ``fn(user)`` before the account goes."""
    _forgets[name] = fn


def unregister_forget(name: str) -> None:
    _forgets.pop(name, None)


def forget(user: User) -> None:
    """Run every registered ``forget`` for ``user``."""
    for fn in _forgets.values():
        fn(user)


def export_sections(user: User) -> dict[str, Any]:
    """Every registered section for ``user``, in the order they were registered."""
    return {name: fn(user) for name, fn in _exports.items()}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def export_json(user: User) -> str:
    """The download: every section for ``user`` as indented JSON text."""
    data = {"generated_at": utcnow(), "sections": export_sections(user)}
    return json.dumps(data, default=_json_value, ensure_ascii=False, indent=2) + "\n"


def run_purges(now: datetime) -> dict[str, int]:
    """Run every registered purge; returns the number removed per purge (``name`` or,
    for a purge that counts several kinds, ``name.kind``)."""
    removed: dict[str, int] = {}
    for name, fn in _purges.items():
        result = fn(now)
        if isinstance(result, dict):
            removed.update({f"{name}.{kind}": int(count) for kind, count in result.items()})
        else:
            removed[name] = int(result or 0)
    return removed


def export_names() -> list[str]:
    return list(_exports)


def purge_names() -> list[str]:
    return list(_purges)
