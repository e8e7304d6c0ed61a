"""The plugin manager: built-in plugins, installed plugins and their metadata.

Built in ``create_app`` (never at import time) and kept in
``app.extensions["kennisbank.plugins"]``, so two apps in one process, as in the
tests, never share plugins.

The core calls hooks through :meth:`Plugins.call`, :meth:`Plugins.call_first`,
:meth:`Plugins.contain` and :meth:`Plugins.contain_first`, never through
pluggy's relay: they run one implementation at a time, so a failure names its
plugin and its hook (in the log and in the error), and each hook is called by
the rule its specification declares (``hookspecs.on_failure``): a failure in a
*start* hook stops the start, in a *veto* hook it refuses the one operation,
and in a *contained* hook it is logged and the other plugins and the
operation go on. Calling a hook by the wrong rule is a programming error
(``TypeError``), so the rule cannot be bypassed by accident.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy
from flask import current_app

from . import hookspecs

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class HookFailure:
    """One implementation that raised: which plugin, in which hook, and what.

    Plain strings, so a failure can travel back from a forked indexing worker
    and be stored with the item it concerns.
    """

    plugin: str
    hook: str
    error: str

    def __str__(self) -> str:
        return f"plugin {self.plugin!r} failed in {self.hook}: {self.error}"


class HookError(PluginError):
    """A plugin raised in a hook whose failure stops the operation (start or veto)."""

    def __init__(self, failure: HookFailure) -> None:
        super().__init__(str(failure))
        self.failure = failure


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
        self._check_rule(hook_name, contained=False)
        for plugin, returned in self._run(hook_name, kwargs, failures=None):
            for item in returned or ():
                yield plugin, item

    def each(self, hook_name: str, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """Call a hook per plugin, yielding ``(plugin name, what it returned)``, skipping ``None``.

        For hooks that return one value per plugin (a mapping, a document
        part). A *contained* hook's failing plugin is logged and skipped;
        any other hook's failure raises :class:`HookError`.
        """
        contained = hookspecs.failure_rule(hook_name) == hookspecs.CONTAINED
        for plugin, result in self._run(hook_name, kwargs, failures=[] if contained else None):
            if result is not None:
                yield plugin, result

    def implemented(self, hook_name: str) -> bool:
        """Whether any plugin implements ``hook_name`` (to skip work nobody needs)."""
        return bool(getattr(self.manager.hook, hook_name).get_hookimpls())

    def call(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Every implementation's result (``None`` skipped), in pluggy's order.

        For *start* and *veto* hooks. :raises HookError: an implementation
        raised; the error names the plugin and the hook, and it is logged.
        """
        self._check_rule(hook_name, contained=False)
        return [result for _, result in self._run(hook_name, kwargs, failures=None)
                if result is not None]

    def call_first(self, hook_name: str, **kwargs: Any) -> Any:
        """The first non-``None`` result of a ``firstresult`` *veto* hook, or ``None``.

        :raises HookError: an implementation raised before one decided.
        """
        self._check_rule(hook_name, contained=False)
        return next((result for _, result in self._run(hook_name, kwargs, failures=None)
                     if result is not None), None)

    def contain(self, hook_name: str, failures: list[HookFailure] | None = None,
                **kwargs: Any) -> list[Any]:
        """Every result of a *contained* hook; a failing implementation is
        logged with its plugin and the hook, added to ``failures``, and the
        others still run. Never raises for a plugin's exception."""
        self._check_rule(hook_name, contained=True)
        found = failures if failures is not None else []
        return [result for _, result in self._run(hook_name, kwargs, failures=found)
                if result is not None]

    def contain_first(self, hook_name: str, failures: list[HookFailure] | None = None,
                      **kwargs: Any) -> Any:
        """The first non-``None`` result of a ``firstresult`` *contained* hook;
        a failing implementation is logged and skipped, as if it returned ``None``."""
        self._check_rule(hook_name, contained=True)
        found = failures if failures is not None else []
        return next((result for _, result in self._run(hook_name, kwargs, failures=found)
                     if result is not None), None)

    def _check_rule(self, hook_name: str, *, contained: bool) -> None:
        rule = hookspecs.failure_rule(hook_name)
        if (rule == hookspecs.CONTAINED) != contained:
            raise TypeError(
                f"hook {hook_name!r} is a {rule} hook; call it with "
                f"{'contain' if rule == hookspecs.CONTAINED else 'call'}()")

    def _run(self, hook_name: str, kwargs: dict[str, Any],
             failures: list[HookFailure] | None) -> Iterator[tuple[str, Any]]:
        """Each implementation in pluggy's calling order, as ``(plugin, result)``.

        With ``failures`` a list, an exception is recorded there and the next
        implementation runs; without, it is raised as :class:`HookError`.
        Either way it is logged with the plugin's name and the hook.
        """
        caller = getattr(self.manager.hook, hook_name)
        for impl in reversed(caller.get_hookimpls()):
            args = {name: kwargs[name] for name in impl.argnames}
            try:
                result = impl.function(**args)
            except Exception as exc:
                failure = HookFailure(impl.plugin_name, hook_name, f"{type(exc).__name__}: {exc}")
                log.error("%s", failure, exc_info=True)
                if failures is None:
                    raise HookError(failure) from exc
                failures.append(failure)
                continue
            yield impl.plugin_name, result


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
        name = manager.get_name(exc.plugin) or repr(exc.plugin)
        raise PluginError(f"plugin {name!r} does not follow the contract: {exc}") from exc
    return Plugins(manager, info)


def _register(manager: pluggy.PluginManager, plugin: Any, name: str) -> None:
    try:
        manager.register(plugin, name=name)
    except (pluggy.PluginValidationError, ValueError) as exc:
        raise PluginError(f"plugin {name!r} could not be registered: {exc}") from exc
    for caller in manager.get_hookcallers(plugin) or ():
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin and (impl.hookwrapper or getattr(impl, "wrapper", False)):
                # The core calls implementations one by one (to name a failing
                # plugin), so a wrapper would never wrap anything.
                raise PluginError(f"plugin {name!r} implements {caller.name} as a hook "
                                  "wrapper; Kennisbank hooks take plain implementations")


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
    """The current app's pluggy relay, for tests that call one hook directly.

    The core itself calls hooks through the :class:`Plugins` methods, which
    name a failing plugin and keep each hook's failure rule.
    """
    return current_plugins().manager.hook
