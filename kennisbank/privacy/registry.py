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

Registering a name again replaces the earlier function. Plugins contribute
through the hook ``register_personal_data`` instead (per app, never global):
their sections, forgets and purges follow the core's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ..models import User, utcnow
from ..plugins import PluginError, Plugins, current_plugins

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


PERSONAL_DATA_KEYS = ("export", "forget", "purge")


def plugin_personal_data(plugins: Plugins) -> dict[str, dict[str, Callable[..., Any]]]:
    """What plugins register with ``register_personal_data``: name -> {kind: function}.

    :raises PluginError: for an entry without an identifier name or with a
        non-function, or a name the core or another plugin uses.
    """
    found: dict[str, dict[str, Callable[..., Any]]] = {}
    owners: dict[str, str] = {}
    for plugin, entry in plugins.results("register_personal_data"):
        name = entry.get("name") if isinstance(entry, dict) else None
        functions = {kind: entry[kind] for kind in PERSONAL_DATA_KEYS
                     if isinstance(entry, dict) and entry.get(kind) is not None}
        if (not isinstance(name, str) or not name.isidentifier() or not functions
                or not all(callable(fn) for fn in functions.values())):
            raise PluginError(f"plugin {plugin!r} registered personal data as {entry!r}; "
                              "expected {'name': identifier, 'export'/'forget'/'purge': function}")
        if name in owners or name in _exports or name in _purges or name in _forgets:
            raise PluginError(f"personal data {name!r} of plugin {plugin!r} is registered "
                              f"already (by {owners.get(name, 'the core')!r})")
        owners[name] = plugin
        found[name] = functions
    return found


def _from_plugins(kind: str) -> dict[str, Callable[..., Any]]:
    entries = plugin_personal_data(current_plugins())
    return {name: functions[kind] for name, functions in entries.items() if kind in functions}


def forget(user: User) -> None:
    """Run every registered ``forget`` for ``user``, the core's first."""
    for fn in [*_forgets.values(), *_from_plugins("forget").values()]:
        fn(user)


def export_sections(user: User) -> dict[str, Any]:
    """Every registered section for ``user``, in the order they were registered."""
    sections = {**_exports, **_from_plugins("export")}
    return {name: fn(user) for name, fn in sections.items()}


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
    for name, fn in {**_purges, **_from_plugins("purge")}.items():
        result = fn(now)
        if isinstance(result, dict):
            removed.update({f"{name}.{kind}": int(count) for kind, count in result.items()})
        else:
            removed[name] = int(result or 0)
    return removed


def export_names() -> list[str]:
    return [*_exports, *_from_plugins("export")]


def purge_names() -> list[str]:
    return [*_purges, *_from_plugins("purge")]
