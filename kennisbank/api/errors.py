"""Reading requests safely: bodies, query parameters, who writes, and the error exception.

Every endpoint that takes a body reads it through :func:`json_body` or
:func:`raw_body`, so each one answers a bad request the same way: 415 for a
content type it does not take, 413 past a size limit (``API_MAX_BODY`` for
one item, ``API_MAX_IMPORT_BODY`` for an import; both in bytes and
configurable like every setting), 400 for text that is not JSON or nests
deeper than any item can. None of these can become a 500.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Response, current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from ..args import ArgReader
from ..auth import load_user_from_token
from ..config import LANGUAGES
from ..models import User
from . import bp, json_error

T = TypeVar("T")
#: No item nests deeper than this (translations -> language -> field -> list).
MAX_DEPTH = 32
#: The largest id both databases store (PostgreSQL's ``integer`` primary keys; SQLite's
#: go to 2**63 - 1); a larger one names nothing, and PostgreSQL refuses to compare with it.
MAX_ID = 2**31 - 1
JSON_TYPES = ("application/json",)
SURROGATE = re.compile(r"[\ud800-\udfff]")


class ApiError(Exception):
    """An answer in the API's error shape, raised from anywhere inside a view."""

    def __init__(self, status: int, message: str, errors: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = dict(errors or {})
        self.headers = dict(headers or {})


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    response = json_error(error.status, error.message, error.errors)
    response.headers.update(error.headers)
    return response


def unauthorized(message: str | None = None) -> ApiError:
    """401 with the challenge a client needs to know a bearer token is expected."""
    return ApiError(401, message or _("Please log in to continue."),
                    headers={"WWW-Authenticate": 'Bearer realm="kennisbank"'})


def writer() -> User:
    """The person a write acts for: the owner of the request's bearer token.

    The API is exempt from CSRF protection because a browser never sends a
    bearer token on its own; a browser session alone therefore may not write
    here, or any site could make a logged-in reader's browser do so.
    """
    user = load_user_from_token(request)
    if user is None:
        raise unauthorized(
            _("Writing needs an API token: send \"Authorization: Bearer <token>\".")
        )
    return user


@bp.url_value_preprocessor
def _existing_id_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """An id past the database's integer range names nothing: 404, not an overflow."""
    if values and isinstance(values.get("item_id"), int) and values["item_id"] > MAX_ID:
        raise NotFound()


def body_limit(name: str) -> int:
    """The setting ``name``, never above Flask's ``MAX_CONTENT_LENGTH`` (the site-wide cap)."""
    limit = int(current_app.config[name])
    cap = current_app.config.get("MAX_CONTENT_LENGTH")
    return min(limit, int(cap)) if cap else limit


def require_content_type(accepted: Iterable[str]) -> None:
    """415 unless the body is one of ``accepted`` (or a ``+json`` type where JSON is taken)."""
    accepted = tuple(accepted)
    mimetype = request.mimetype
    if mimetype in accepted or ("application/json" in accepted and mimetype.endswith("+json")):
        return
    raise ApiError(
        415,
        _("Send the body as %(types)s.", types=" or ".join(accepted)),
        {"Content-Type": _("Not supported: %(type)s.", type=mimetype or "-")},
    )


def raw_body(limit_name: str) -> bytes:
    """The body as bytes, refused with 413 once it passes the limit, announced or not."""
    limit = body_limit(limit_name)
    too_large = ApiError(
        413, _("The body is too large: at most %(limit)d bytes.", limit=limit)
    )
    length = request.content_length
    if length is not None and length > limit:
        raise too_large
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        raise too_large
    return body


#: Far more digits than any accepted number has (they stop at 10**15).
MAX_DIGITS = 100


def _reject_constant(name: str) -> Any:
    raise ValueError(_("%(name)s is not a JSON number", name=name))


def _integer(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise ValueError(_("a number with more than %(max)d digits", max=MAX_DIGITS))
    return int(text)


def parse_json(text: str | bytes) -> Any:
    """JSON as the standard allows it: no NaN or Infinity, no absurd nesting or numbers.

    :raises ValueError: with a message saying what is wrong.
    """
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_int=_integer)
    except RecursionError:
        raise ValueError(_("nested too deeply")) from None
    except json.JSONDecodeError as exc:
        where = f"column {exc.colno}"
        if exc.lineno > 1:
            where = f"line {exc.lineno}, {where}"
        raise ValueError(f"{exc.msg} ({where})") from None
    # Bytes that are not UTF-8 raise a UnicodeDecodeError, a ValueError too.
    if _depth(value) > MAX_DEPTH:
        raise ValueError(_("nested too deeply"))
    return value


def _depth(value: Any) -> int:
    """How deeply ``value`` nests, without recursion (the input decides the depth).

    On the way it refuses lone surrogates (``"\\ud800"`` is valid JSON but no
    text): no database could store them.
    """
    deepest, stack = 0, [(value, 1)]
    while stack:
        current, level = stack.pop()
        if isinstance(current, str):
            if SURROGATE.search(current):
                raise ValueError(_("text with an unpaired surrogate (\\ud800-\\udfff)"))
            continue
        if isinstance(current, dict):
            children: Iterable[Any] = [*current.keys(), *current.values()]
        elif isinstance(current, list):
            children = current
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def json_body() -> Any:
    """The request's JSON value (any JSON type: callers check the shape they need)."""
    require_content_type(JSON_TYPES)
    body = raw_body("API_MAX_BODY")
    try:
        return parse_json(body)
    except ValueError as exc:
        raise ApiError(
            400, _("The body is not valid JSON: %(reason)s.", reason=str(exc).rstrip("."))
        ) from None


def json_object() -> dict[str, Any]:
    """The request's JSON body, which must be an object."""
    value = json_body()
    if not isinstance(value, dict):
        raise ApiError(422, _("The body must be a JSON object."),
                       {"body": _("The body must be a JSON object.")})
    return value


def read_args(check: Callable[[ArgReader], T], *, lenient: bool = False) -> T:
    """``check`` run on the request's parameters; a 400 naming every problem it found.

    ``lenient`` for the search endpoints, which read parameters as the search page does.
    """
    reader = ArgReader(request.args, lenient=lenient)
    value = check(reader)
    if reader.errors:
        raise ApiError(400, _("Some parameters are not valid."), reader.errors)
    return value


def single_arg(name: str) -> str | None:
    """A query parameter given at most once; ``None`` when absent or empty."""
    return read_args(lambda args: args.once(name))


def bad_parameter(name: str, message: str) -> ApiError:
    return ApiError(400, _("Some parameters are not valid."), {name: message})


def whole_number_arg(name: str, default: int, highest: int) -> int:
    """A positive whole number parameter from 1 to ``highest``."""
    return read_args(lambda args: args.whole_number(name, default, highest))


def choice_arg(name: str, choices: Iterable[str]) -> str | None:
    """A parameter that must be one of ``choices``; ``None`` when absent."""
    return read_args(lambda args: args.choice(name, choices))


def checked_lang() -> None:
    """Refuse a ``lang`` parameter that names no language (the locale selector ignores it)."""
    choice_arg("lang", LANGUAGES)
