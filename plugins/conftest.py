"""The bundled plugins' tests use the testing kit every plugin author has, ``kennisbank.testing``.

Its fixtures (``app``, ``client``, ``runner``, ``make_item``, users, tokens)
come with Kennisbank as a pytest plugin, so the tests here need nothing from
the core's ``tests/``. Only the database is this repository's business: with
``KENNISBANK_TEST_DB=postgres`` each app gets a throwaway PostgreSQL database,
as the core's tests do (``tests/pg.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.pg import _drop_test_databases, with_test_database  # noqa: F401


@pytest.fixture
def kennisbank_database() -> Callable[[dict[str, Any]], dict[str, Any]]:
    return with_test_database
