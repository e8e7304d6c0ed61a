"""What plugins add to the core's templates: includes at named slots, and context names.

``register_template_includes`` puts a plugin's template at a slot of a core
page (the main navigation, the home page, the item page);
``extra_template_vars`` adds names to every template's context. Both are
collected once while the app is built, with the plugin named on a mistake.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from ..plugins import PluginError, Plugins

#: The places core templates offer, each with where it is.
SLOTS = {
    "main_nav": "base.html: inside the main navigation's <ul>",
    "home": "home.html: after the latest practices and sectors",
    "item": "item.html: after the attachments (item and lang are set)",
}


def init_app(app: Flask, plugins: Plugins) -> None:
    """Offer ``template_includes(slot)`` and each plugin's names to every template."""
    includes = _includes(plugins)
    names = _template_vars(plugins)

    def template_includes(slot: str) -> list[str]:
        return includes.get(slot, [])

    @app.context_processor
    def plugin_context() -> dict[str, Any]:
        return {**names, "template_includes": template_includes}


def _includes(plugins: Plugins) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {slot: [] for slot in SLOTS}
    for plugin, entry in plugins.results("register_template_includes"):
        if (not isinstance(entry, dict) or entry.get("slot") not in SLOTS
                or not isinstance(entry.get("template"), str)):
            raise PluginError(
                f"plugin {plugin!r} registered a template include as {entry!r}; expected "
                f"{{'slot': one of {', '.join(SLOTS)}, 'template': 'folder/name.html'}}"
            )
        found[entry["slot"]].append(entry["template"])
    return found


def _template_vars(plugins: Plugins) -> dict[str, Any]:
    names: dict[str, Any] = {}
    owners: dict[str, str] = {}
    for plugin, returned in plugins.each("extra_template_vars"):
        if not isinstance(returned, dict):
            raise PluginError(f"plugin {plugin!r}: extra_template_vars returned {returned!r}, "
                              "not a dict")
        for name, value in returned.items():
            if name in owners:
                raise PluginError(f"template name {name!r} is added by both "
                                  f"{owners[name]!r} and {plugin!r}")
            owners[name] = plugin
            names[name] = value
    return names
