"""The registry: every field kind, content type, sector and extra facet the enabled plugins add."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from ..plugins import PluginError, Plugins
from .kinds import BUILTIN_KINDS, FieldKind
from .types import ContentType, Labels, label_in
from .vocab import THEMES

EXTENSION_KEY = "kennisbank.registry"


@dataclass
class Registry:
    """Field kinds, content types, sectors and facets, merged from all plugins at start-up."""

    kinds: dict[str, FieldKind] = field(
        default_factory=lambda: {kind.name: kind for kind in BUILTIN_KINDS})
    types: dict[str, ContentType] = field(default_factory=dict)
    sectors: dict[str, Labels] = field(default_factory=dict)
    facets: dict[str, Labels] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_plugins(cls, plugins: Plugins) -> Registry:
        """Collect every registration, refusing conflicts with the plugins named."""
        registry = cls()
        for plugin, kind in plugins.results("register_field_kinds"):
            registry._add_kind(plugin, kind)
        for plugin, sector in plugins.results("register_sectors"):
            code = _checked_code(plugin, "sector", sector)
            registry._claim(f"sector:{code}", plugin)
            registry.sectors[code] = dict(sector["label"])
        for plugin, ctype in plugins.results("register_content_types"):
            if not isinstance(ctype, ContentType):
                raise PluginError(
                    f"plugin {plugin!r} returned {ctype!r} from register_content_types; "
                    "expected kennisbank.ContentType"
                )
            registry._claim(f"type:{ctype.name}", plugin)
            if ctype.sector is not None and ctype.sector not in registry.sectors:
                raise PluginError(
                    f"plugin {plugin!r}: content type {ctype.name!r} names unknown sector "
                    f"{ctype.sector!r}"
                )
            for fld in ctype.fields:
                if fld.kind not in registry.kinds:
                    raise PluginError(
                        f"plugin {plugin!r}: field {fld.name!r} of content type {ctype.name!r} "
                        f"has kind {fld.kind!r}, which no enabled plugin registers "
                        "(register_field_kinds)"
                    )
            registry.types[ctype.name] = ctype
        for plugin, facet in plugins.results("register_facets"):
            name = _checked_code(plugin, "facet", facet, key="name")
            registry._claim(f"facet:{name}", plugin)
            registry.facets[name] = dict(facet["label"])
        return registry

    def _add_kind(self, plugin: str, kind: Any) -> None:
        if isinstance(kind, type) and issubclass(kind, FieldKind):
            kind = kind()
        if not isinstance(kind, FieldKind) or not kind.name.isidentifier():
            raise PluginError(
                f"plugin {plugin!r} returned {kind!r} from register_field_kinds; "
                "expected a kennisbank.FieldKind subclass with a name"
            )
        if any(builtin.name == kind.name for builtin in BUILTIN_KINDS):
            raise PluginError(f"field kind {kind.name!r} is built in; plugin {plugin!r} "
                              "must choose another name")
        self._claim(f"kind:{kind.name}", plugin)
        self.kinds[kind.name] = kind

    def kind(self, name: str) -> FieldKind:
        """The kind called ``name`` (every field's kind is checked at start-up)."""
        return self.kinds[name]

    def _claim(self, key: str, plugin: str) -> None:
        if key in self.owners:
            kind, _, name = key.partition(":")
            raise PluginError(
                f"{kind} {name!r} is registered by both {self.owners[key]!r} and {plugin!r}"
            )
        self.owners[key] = plugin

    def type(self, name: str) -> ContentType | None:
        return self.types.get(name)

    def type_label(self, name: str, lang: str) -> str:
        ctype = self.types.get(name)
        return label_in(ctype.label, lang, name) if ctype else name

    def sector_label(self, code: str, lang: str) -> str:
        return label_in(self.sectors.get(code), lang, code)

    @staticmethod
    def theme_label(code: str, lang: str) -> str:
        return label_in(THEMES.get(code), lang, code)

    def facet_fields(self) -> dict[str, Labels]:
        """Every ``facet=True`` field of every type plus hook facets, name -> labels."""
        found: dict[str, Labels] = {}
        for ctype in self.types.values():
            for fld in ctype.fields:
                if fld.facet and fld.name not in found:
                    found[fld.name] = fld.label
        found.update(self.facets)
        return found


def _checked_code(plugin: str, kind: str, value: Any, key: str = "code") -> str:
    if (
        not isinstance(value, dict)
        or not isinstance(value.get(key), str)
        or not value[key].isidentifier()
        or not isinstance(value.get("label"), dict)
    ):
        raise PluginError(
            f"plugin {plugin!r} registered a {kind} as {value!r}; "
            f"expected {{{key!r}: identifier, 'label': {{'nl': ..., 'en': ...}}}}"
        )
    return value[key]


def current_registry() -> Registry:
    """The registry of the current app."""
    return current_app.extensions[EXTENSION_KEY]
