"""Sorts and scopes plugins add to search: ``register_search_sorts``, ``register_search_scopes``.

Collected once while the app is built, checked with the plugin named, and
kept on the :class:`~kennisbank.search.service.SearchService`; the search
page, ``/api/v1/search`` and its OpenAPI description read them from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..content.registry import Registry, _checked_code
from ..content.types import Labels
from ..plugins import PluginError, Plugins
from .backend import SORTS
from .facets import all_facets

#: Search parameters of the core; no scope may take one of these names.
RESERVED_PARAMETERS = frozenset({"q", "lang", "sort", "page", "per_page", "translate", "correct"})


@dataclass(frozen=True)
class Scope:
    """A parameter that stands for values of a facet, worked out when searching.

    ``like_city=Deventer`` becomes the names of the cities comparable to
    Deventer as a ``city`` constraint. Unlike a facet filter, a scope narrows
    the facet counts too. ``expand`` may raise ``ValueError`` (with a message)
    for a value that cannot be searched with: a 400, like a bad filter.
    """

    name: str
    facet: str
    label: Labels
    expand: Callable[[str], Iterable[str]]


def plugin_sorts(plugins: Plugins) -> dict[str, Labels]:
    """Every sort plugins register, by name; a name taken twice stops the start."""
    sorts: dict[str, Labels] = {}
    owners: dict[str, str] = {}
    for plugin, sort in plugins.results("register_search_sorts"):
        name = _checked_code(plugin, "search sort", sort, key="name")
        if name in SORTS:
            raise PluginError(f"plugin {plugin!r} registered the search sort {name!r}, "
                              f"which is built in ({', '.join(SORTS)})")
        _claim(owners, "search sort", name, plugin)
        sorts[name] = dict(sort["label"])
    return sorts


def plugin_scopes(plugins: Plugins, registry: Registry) -> dict[str, Scope]:
    """Every scope plugins register, by parameter name, checked against the facets."""
    facets = set(all_facets(registry))
    scopes: dict[str, Scope] = {}
    owners: dict[str, str] = {}
    for plugin, value in plugins.results("register_search_scopes"):
        name = _checked_code(plugin, "search scope", value, key="name")
        facet, expand = value.get("facet"), value.get("expand")
        if facet not in facets:
            raise PluginError(f"plugin {plugin!r}: search scope {name!r} names {facet!r}, "
                              f"which is no search facet ({', '.join(sorted(facets))})")
        if not callable(expand):
            raise PluginError(f"plugin {plugin!r}: search scope {name!r} needs a function "
                              f"as 'expand', not {expand!r}")
        if name in facets or name in RESERVED_PARAMETERS:
            raise PluginError(f"plugin {plugin!r}: search scope {name!r} would take the name "
                              "of a search parameter or facet")
        _claim(owners, "search scope", name, plugin)
        scopes[name] = Scope(name=name, facet=facet, label=dict(value["label"]), expand=expand)
    return scopes


def _claim(owners: dict[str, str], kind: str, name: str, plugin: Any) -> None:
    if name in owners:
        raise PluginError(f"{kind} {name!r} is registered by both {owners[name]!r} "
                          f"and {plugin!r}")
    owners[name] = plugin
