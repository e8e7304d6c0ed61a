"""The plugin contract: every hook Kennisbank calls, in one file.

Hooks are called with keyword arguments only. An implementation may accept
fewer arguments than its specification, so a hook can gain arguments later
without breaking plugins. ``register_*`` hooks return things that the core
merges (``None`` is skipped); events are named after what happened.

Each hook declares what happens when an implementation raises
(:func:`on_failure`), and the core's hook calls (:class:`kennisbank.plugins.Plugins`)
keep to it; the failure is logged naming the plugin and the hook either way:

* ``start``: the hook runs while the app (or the command line) is built; a
  failure stops the start with the plugin named, as a bad registration does.
* ``veto``: the hook decides about one operation; a failure refuses that
  operation (a save is refused with a message that names nothing internal,
  an action is not allowed), and nothing else is affected.
* ``contained``: the hook adds to or is told about something that happens
  anyway; a failure never breaks it: the other plugins still run and the
  operation goes on without the failing plugin's part.

Hooks about items receive a read-only :class:`kennisbank.plugin_api.ItemView`
(and users a :class:`~kennisbank.plugin_api.UserView`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy

if TYPE_CHECKING:
    import click
    from flask import Blueprint, Flask
    from markupsafe import Markup

    from .content.kinds import FieldKind
    from .content.types import ContentType
    from .plugin_api import ItemView, UserView

PROJECT_NAME = "kennisbank"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

START = "start"
VETO = "veto"
CONTAINED = "contained"
FAILURE_RULES = (START, VETO, CONTAINED)
_RULES: dict[str, str] = {}

F = TypeVar("F", bound=Callable[..., Any])


def on_failure(rule: str) -> Callable[[F], F]:
    """Declare what a failing implementation of the decorated hook does (see above)."""
    if rule not in FAILURE_RULES:
        raise ValueError(f"unknown failure rule {rule!r}")

    def declare(spec: F) -> F:
        _RULES[spec.__name__] = rule
        return spec

    return declare


def declared_rules() -> dict[str, str]:
    """Each hook's declared failure rule, by hook name."""
    return dict(_RULES)


def failure_rule(hook_name: str) -> str:
    """The rule of ``hook_name``; a hook that declares none is treated as ``start``
    (a failure stops the operation), the safe default; a test requires every
    hook to declare its rule."""
    return _RULES.get(hook_name, START)


@hookspec
@on_failure(START)
def register_content_types() -> list[ContentType] | None:
    """Return the content types this plugin adds.

    Called once while the app is built. Type names are global: two plugins
    registering the same name stop the start with both plugins named.

    :return: a list of :class:`kennisbank.ContentType`, or ``None``.

    On failure (start): the start stops, naming the plugin and this hook.
    """


@hookspec
@on_failure(START)
def register_field_kinds() -> list[FieldKind | type[FieldKind]] | None:
    """Return the field kinds this plugin adds, for its own or other plugins' fields.

    Called once while the app is built, before content types are collected.
    A kind (:class:`kennisbank.FieldKind`) is one object that validates a value
    (its messages are the API's too), gives its JSON Schema, its form control,
    its display in each language, its search text and its facet values; see
    ``plugins/README.md``. Kind names are global: a built-in name, or one two
    plugins register, stops the start with the plugin named; so does a field
    whose kind no enabled plugin registers.

    :return: a list of :class:`kennisbank.FieldKind` subclasses or instances, or ``None``.

    On failure (start): the start stops, naming the plugin and this hook.
    """


@hookspec
@on_failure(START)
def register_sectors() -> list[dict[str, Any]] | None:
    """Return sectors beyond the five built-in ones.

    Called once while the app is built.

    :return: a list of ``{"code": str, "label": {"nl": str, "en": str}}``.

    On failure (start): the start stops, naming the plugin and this hook.
    """


@hookspec
@on_failure(START)
def register_facets() -> list[dict[str, Any]] | None:
    """Return extra search facets.

    Called once while the app is built. A facet's values are taken from the
    item's shared field of the same name, or from ``document["facets"][name]``
    set by :func:`index_document`.

    :return: a list of ``{"name": str, "label": {"nl": str, "en": str}}``.

    On failure (start): the start stops, naming the plugin and this hook.
    """


@hookspec
@on_failure(START)
def register_blueprints() -> list[Blueprint] | None:
    """Return Flask blueprints (pages, templates, static files) to register.

    Called once while the app is built, after the core blueprints. A blueprint
    whose name is taken already stops the start, naming the plugin.
    For pages in both languages, use the prefix ``/<any(nl, en):lang>``.

    :return: a list of :class:`flask.Blueprint`, or ``None``.

    On failure (start): the start stops, naming the plugin and this hook.
    """


@hookspec
@on_failure(START)
def register_api_blueprints() -> list[Blueprint] | None:
    """Return Flask blueprints of JSON endpoints to serve as part of the API.

    Called once while the app is built. Each blueprint is mounted under
    ``/api/v1`` (plus its own ``url_prefix``) and nested in the core's API, so
    its endpoints behave like the core's: no CSRF token (a write checks the
    caller's bearer token), ``Cache-Control: no-store``, and an
    ``ApiError`` (:mod:`kennisbank.api.errors`) raised in a view answers in the
    API's error shape ``{"error": ..., "errors": {...}}``. Endpoint names become
    ``api.<blueprint>.<view>`` for :func:`flask.url_for`. Describe the
    endpoints with :func:`extra_openapi`. A blueprint whose name is taken
    stops the start, naming the plugin.

    :return: a list of :class:`flask.Blueprint`, or ``None``.

    On failure (start): the start stops, naming the plugin and this hook.
    """


@hookspec
@on_failure(CONTAINED)
def extra_openapi(lang: str) -> dict[str, dict[str, Any]] | None:
    """Describe a plugin's API endpoints in ``GET /api/v1/openapi.json``.

    Called each time the document is built (inside the request). Paths are
    relative to ``/api/v1``; operations may refer to the core's components
    (``#/components/schemas/Error``, ``#/components/parameters/lang``).
    A path or schema the core or another plugin already describes stops the
    request with an error naming the plugin.

    :param lang: the language of the document's titles (``nl`` or ``en``).
    :return: ``{"paths": {path: {method: operation}}, "schemas": {name: schema}}``
        (both optional), or ``None``.

    On failure (contained): the document is served without this plugin's part;
    the log names the plugin.
    """


@hookspec
@on_failure(START)
def register_search_sorts() -> list[dict[str, Any]] | None:
    """Return extra orders for search results, beside relevance, newest and title.

    Called once while the app is built. A sort orders by a whole number the
    plugin puts in each item's search document under
    ``document["facets"][name]`` (with :func:`index_document`), highest
    first; items without the number come last. The sort is offered on the
    search page and accepted as ``sort=<name>`` by ``/api/v1/search``.

    :return: a list of ``{"name": identifier, "label": {"nl": str, "en": str}}``.

    On failure (start): the start stops, naming the plugin and this hook.
    """


@hookspec
@on_failure(START)
def register_search_scopes() -> list[dict[str, Any]] | None:
    """Return search parameters that stand for values of a facet, worked out per search.

    Called once while the app is built. A scope ``{"name": "like_city",
    "facet": "city", "label": {...}, "expand": function}`` makes
    ``like_city=Deventer`` search the city facet for the values
    ``expand("Deventer")`` returns. Unlike a facet filter, a scope narrows the
    facet counts too. ``expand(value)`` runs inside the request; it may raise
    ``ValueError`` with a message for the reader, which answers 400 like a bad
    filter. ``facet`` must be a search facet; ``name`` must not be one.

    :return: a list of ``{"name": identifier, "facet": str, "label": {"nl": str,
        "en": str}, "expand": callable}``.

    On failure (start): the start stops, naming the plugin and this hook.
    """


@hookspec
@on_failure(START)
def register_template_includes() -> list[dict[str, str]] | None:
    """Return templates to include in the core's pages at named places.

    Called once while the app is built. Each entry names a ``slot`` and a
    ``template`` (found through the plugin's blueprints' template folders):

    * ``main_nav``: inside the main navigation's ``<ul>``; give ``<li>`` elements;
    * ``home``: on the home page, after the latest practices;
    * ``item``: on an item page, after the attachments; ``item`` and ``lang``
      are in the context.

    The template sees the page's context (``current_user``, ``can``, ``_``
    and what :func:`extra_template_vars` adds).

    :return: a list of ``{"slot": str, "template": str}``, or ``None``.

    On failure (start): the start stops, naming the plugin and this hook.
    """


@hookspec
@on_failure(START)
def extra_template_vars() -> dict[str, Any] | None:
    """Return names to add to every template's context (functions or values).

    Called while the app is built; the returned names are added to every
    page's context, so the plugin's templates and template includes can call
    them. A name the core or another plugin already adds stops the start.

    :return: ``{name: value}``, or ``None``.

    On failure (start): the start stops, naming the plugin and this hook.
    """


@hookspec
@on_failure(START)
def register_personal_data() -> list[dict[str, Any]] | None:
    """Return what the plugin stores about people, for the privacy features.

    Called while the app is built (to check the entries) and whenever a person
    downloads their data, an account is deleted or ``kennisbank privacy purge``
    runs, inside the app context. Each entry names a section and gives any of
    three functions, which work in the current database session (the core
    commits):

    * ``export(user)``: plain JSON data (datetimes allowed) for the section
      ``name`` of the person's download; never a password or token hash;
    * ``forget(user)``: remove what is kept about a person whose account is
      being deleted, beyond the rows that point at the account;
    * ``purge(now)``: remove what outlived its retention period, returning
      the number removed (or ``{kind: number}``).

    A name the core or another plugin uses stops the start.

    :return: a list of ``{"name": identifier, "export": fn, "forget": fn,
        "purge": fn}`` (functions optional), or ``None``.

    On failure (start): the start stops, naming the plugin and this hook.
    """


@hookspec
@on_failure(START)
def register_commands(cli: click.Group) -> None:
    """Add subcommands to the ``kennisbank`` command-line group.

    Called once per command-line run, when the group is first used (so the
    plugin's commands appear in ``kennisbank --help``). Commands run inside the
    app context, with English output.

    :param cli: the click group; use ``@cli.command()`` to add a command.
    :return: nothing; register commands on ``cli``.

    On failure (start): the command line stops, naming the plugin and this hook.
    """


@hookspec
@on_failure(START)
def translation_dirs() -> list[tuple[str, str]] | None:
    """Return the plugin's Babel catalogs as ``(directory, domain)`` pairs.

    Called once while the app is built. Catalogs are merged after the core's,
    so a plugin's message overrides the core's for the same msgid; use a domain
    named after the plugin package.

    On failure (start): the start stops, naming the plugin and this hook.
    """


@hookspec
@on_failure(VETO)
def validate_item(item: ItemView) -> dict[str, str] | None:
    """Check an item before it is saved, beyond the field rules of its type.

    Called by the one validation path shared by forms, API and import, with
    the item as it would be saved (not yet in the database; ``item.id`` is
    ``None`` for a new item). Return messages in the reader's language.

    :return: ``{field: message}`` for each problem, or ``None`` when fine.

    On failure (veto): the save is refused with a message that names
    nothing internal ("could not be checked"); the log names the plugin.
    """


@hookspec
@on_failure(CONTAINED)
def index_document(item: ItemView, document: dict[str, Any]) -> None:
    """Enrich an item's search document before it is indexed.

    Called for every item written to the search index, after the core has
    filled the document (see :mod:`kennisbank.search.document`). Append strings
    to ``document["extra_text"]`` (searched in every language), add keywords to
    ``document["keywords"]``, or facet values to ``document["facets"][name]``.

    :return: nothing; change ``document`` in place.

    On failure (contained): the item is still indexed, with what the core
    and the other plugins put in the document; the failure is recorded with
    the item (``kennisbank check-index`` lists it, naming the plugin) and the
    item is retried later with backoff. Other items and the save go on.
    """


@hookspec
@on_failure(CONTAINED)
def item_saved(item: ItemView, created: bool) -> None:
    """Called after an item was saved (in the same transaction, before the commit).

    Called for every save, also one that changed nothing (such as re-importing
    the same line); the item's revisions tell what changed.

    :param created: ``True`` when the item is new.

    On failure (contained): logged with the plugin's name; the save and
    the other plugins go on.
    """


@hookspec
@on_failure(CONTAINED)
def item_published(item: ItemView) -> None:
    """Called once each time an item becomes published (new, or from another status).

    Called after :func:`item_saved`, in the same transaction; saving an item
    that stays published does not call it again.

    On failure (contained): logged with the plugin's name; the save and
    the other plugins go on.
    """


@hookspec
@on_failure(CONTAINED)
def item_deleted(item: ItemView) -> None:
    """Called just before an item is deleted (its data is still readable).

    Called in the deleting transaction; the item is gone once it commits.

    On failure (contained): logged with the plugin's name; the delete and
    the other plugins go on.
    """


@hookspec(firstresult=True)
@on_failure(VETO)
def permission_allowed(user: UserView | None, action: str, item: ItemView | None) -> bool | None:
    """Decide whether ``user`` may do ``action`` (on ``item``), before the built-in policy.

    Stops at first non-None result.

    :param user: the user, or ``None`` for an anonymous visitor.
    :param action: an action name from :mod:`kennisbank.auth.policy`.
        An answer for ``view`` decides the item's own page and API entry only;
        what appears in lists, search, feeds and counts follows the permission
        labels (:func:`item_permission_labels`), so hide items with labels.
    :return: ``True`` to allow, ``False`` to refuse, ``None`` to let others decide.

    On failure (veto): the action is refused (fail closed); the log names
    the plugin. Later plugins and the built-in policy are not asked.
    """


@hookspec(firstresult=True)
@on_failure(VETO)
def item_permission_labels(item: ItemView, labels: list[str]) -> list[str] | None:
    """Return the permission labels ``item`` carries: who may see it, everywhere.

    A person may see an item when they hold one of its labels (see
    :func:`user_permission_labels`; admins see everything). Called whenever an
    item is saved, indexed or checked for one person, so keep it quick and
    decide from the item alone (its status, sector, owner, fields), never from
    the request. The labels are stored with the item and in the search index:
    ``kennisbank reindex`` recomputes them after the rule changed.

    Stops at first non-None result: one plugin decides an item's labels.

    :param labels: the core's labels: ``public`` when published,
        ``owner:<user id>``, ``sector:<code>``. Take ``public`` off to keep
        the item from readers; add your own (``member:municipality``).
    :return: the complete list of labels (strings of at most 100 characters),
        or ``None`` to keep ``labels``.

    On failure (veto): fail closed, the item keeps its ``owner:`` and
    ``sector:`` labels but loses ``public``, so readers do not see it while
    its author and editors still do; the save goes on (nothing typed is
    lost), the log names the plugin, and indexing records the failure for
    the item so ``kennisbank check-index`` lists it and retries it.
    """


@hookspec
@on_failure(CONTAINED)
def user_permission_labels(user: UserView | None, labels: list[str]) -> list[str] | None:
    """Return extra permission labels ``user`` holds (added to the core's).

    Called whenever a page, feed or API call works out what a person may see
    (it may be several times per request, so keep it quick), with the
    logged-in person (``None`` for an anonymous visitor); not called for
    admins, who see everything. Every plugin's labels are added.

    :param labels: the core's labels for this person: ``public`` (every
        logged-in person; anonymous visitors while ``PUBLIC`` is on),
        ``owner:<id>`` (contributors and editors), ``sector:<code>`` (editors).
    :return: labels to add, or ``None``.

    On failure (contained): the failing plugin's labels are not granted, so
    the person sees less, never more; the log names the plugin.
    """


@hookspec(firstresult=True)
@on_failure(CONTAINED)
def render_item_fields(item: ItemView, lang: str) -> Markup | str | None:
    """Return custom HTML for the type-specific fields of an item page.

    Stops at first non-None result. Return ``None`` to keep the default
    rendering (a definition list of the fields with their labels). Escape what
    you put in: the result is inserted as HTML.

    On failure (contained): logged with the plugin's name, and taken as
    ``None``: the next plugin, or the default rendering, shows the fields.
    """


@hookspec
@on_failure(START)
def register_synonyms() -> list[dict[str, list[str]]] | None:
    """Return synonym sets that search applies to every query.

    Called once while the app is built. A set holds terms (words or short
    phrases) that mean the same, in Dutch, English or both:
    ``{"nl": ["wateroverlast"], "en": ["pluvial flooding", "surface water flooding"]}``.
    A query holding one of the terms also searches for the others: terms of
    the query's language as synonyms, terms of the other language as
    translations (cross-lingual search). Sets work like the ones editors keep
    on the synonyms admin page; use them for a sector's domain vocabulary.

    :return: a list of ``{"nl": [str, ...], "en": [str, ...]}``, or ``None``.

    On failure (start): the start stops, naming the plugin and this hook.
    """


@hookspec(firstresult=True)
@on_failure(CONTAINED)
def translate_query(text: str, source: str, target: str) -> list[str] | str | None:
    """Translate a search query with a machine-translation service.

    Called for each search that translates (the reader's query in
    ``source``, "nl" or "en", searched in ``target`` too), before the
    built-in lexicon is used, with the words of the query as typed. Keep it
    fast (a time limit, a cache): it runs inside the search request. An item
    matching every word of a returned translation counts as a translated match.
    Stops at first non-None result.

    :return: the translation (or a few), or ``None`` to leave it to the lexicon.

    On failure (contained): logged with the plugin's name, and taken as
    ``None``: the built-in lexicon translates.
    """


@hookspec
@on_failure(START)
def startup(app: Flask) -> None:
    """Called once, when the app is fully built and before it serves requests.

    Every blueprint, extension and plugin is registered by then; use it to
    read configuration or register what needs the finished app.

    On failure (start): the start stops, naming the plugin and this hook.
    """
