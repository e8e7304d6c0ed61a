"""The plugin manager: built-in plugins, installed plugins and their metadata.

Built in ``create_app`` (never at import time) and kept in
``app.extensions["kennisbank.plugins"]``, so two apps in one process, as in the
tests, never share plugins.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy
from flask import current_app

from . import hookspecs

ENTRY_POINT_GROUP = "kennisbank"
#: Core features that use the plugin contract themselves.
BUILTIN_PLUGINS = (
    "kennisbank.content.vocab",
    "kennisbank.content.practice",
    "kennisbank.attachments.hooks",
    "kennisbank.partners.hooks",
)
EXTENSION_KEY = "kennisbank.plugins"


class PluginError(RuntimeError):
    """A plugin could not be loaded or does not follow the contract; names the plugin."""


@dataclass
class PluginInfo:
    """What ``kennisbank plugins`` shows about one loaded plugin."""

    name: str
    distribution: str
    version: str
    builtin: bool = False
    content_types: list[str] = field(default_factory=list)


@dataclass
class Plugins:
    """The plugin manager and what was loaded into it."""

    manager: pluggy.PluginManager
    info: dict[str, PluginInfo]

    @property
    def hook(self) -> Any:
        return self.manager.hook

    def results(self, hook_name: str, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """Call a ``register_*`` hook per plugin, yielding ``(plugin name, item)``.

        Calling each implementation separately lets the core name the plugin
        responsible for a bad or conflicting registration.
        """
        for plugin_name, returned in self.each(hook_name, **kwargs):
            for item in returned:
                yield plugin_name, item

    def each(self, hook_name: str, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """Call a hook per plugin, yielding ``(plugin name, what it returned)``, skipping ``None``.

        For hooks that return one value per plugin (a mapping, a document part).
        """
        caller = getattr(self.manager.hook, hook_name)
        for impl in reversed(caller.get_hookimpls()):
            args = {name: kwargs[name] for name in impl.argnames}
            try:
                returned = impl.function(**args)
            except Exception as exc:
                raise PluginError(
                    f"plugin {impl.plugin_name!r} failed in {hook_name}: {exc}"
                ) from exc
            if returned is not None:
                yield impl.plugin_name, returned


def _distribution_of(entry_point: EntryPoint) -> tuple[str, str]:
    dist = entry_point.dist
    if dist is None:
        return "?", "?"
    return dist.metadata["Name"], dist.version


def build_plugins(enabled: list[str] | None, extra: Iterable[Any] = ()) -> Plugins:
    """Create the manager, register built-ins, installed plugins and ``extra`` objects.

    :param enabled: names of the entry points to load (``KENNISBANK_PLUGINS``),
        ``None`` for all installed ones.
    :param extra: plugin objects to register as well (used by tests and embedders).
    :raises PluginError: naming the plugin that failed to import or misuses a hook.
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    info: dict[str, PluginInfo] = {}
    core_version = _core_version()
    for module_name in BUILTIN_PLUGINS:
        _register(manager, importlib.import_module(module_name), module_name)
        info[module_name] = PluginInfo(module_name, "kennisbank", core_version, builtin=True)

    found: dict[str, EntryPoint] = {}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        other = found.setdefault(entry_point.name, entry_point)
        if _distribution_of(other) != _distribution_of(entry_point):
            raise PluginError(
                f"two installed distributions name a plugin {entry_point.name!r}: "
                f"{_distribution_of(other)[0]} and {_distribution_of(entry_point)[0]}; "
                "uninstall one of them"
            )
    if enabled is not None:
        missing = sorted(set(enabled) - set(found))
        if missing:
            raise PluginError(
                f"KENNISBANK_PLUGINS names plugins that are not installed: {', '.join(missing)} "
                f"(installed: {', '.join(sorted(found)) or 'none'})"
            )
    for name, entry_point in sorted(found.items()):
        if enabled is not None and name not in enabled:
            continue
        distribution, version = _distribution_of(entry_point)
        try:
            plugin = entry_point.load()
        except Exception as exc:
            raise PluginError(
                f"plugin {name!r} (distribution {distribution}) could not be loaded: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        _register(manager, plugin, name)
        info[name] = PluginInfo(name, distribution, version)

    for plugin in extra:
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        _register(manager, plugin, name)
        info[name] = PluginInfo(name, "(registered by code)", "-")

    try:
        manager.check_pending()
    except pluggy.PluginValidationError as exc:
        name = manager.get_name(exc.plugin)
        raise PluginError(f"plugin {name!r} does not follow the contract: {exc}") from exc
    return Plugins(manager, info)


def _register(manager: pluggy.PluginManager, plugin: Any, name: str) -> None:
    try:
        manager.register(plugin, name=name)
    except (pluggy.PluginValidationError, ValueError) as exc:
        raise PluginError(f"plugin {name!r} could not be registered: {exc}") from exc


def _core_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kennisbank")
    except PackageNotFoundError:
        return "0+unknown"


def current_plugins() -> Plugins:
    """The plugins of the current app."""
    return current_app.extensions[EXTENSION_KEY]


def hook() -> Any:
    """Shortcut to the current app's hook relay: ``hook().item_saved(item=..., created=...)``."""
    return current_plugins().manager.hook
