"""Give the plugin tests the core's fixtures (``app``, ``client``, ``runner``, ``make_item``...).

pytest only sees a conftest's fixtures below its own folder, and the core's
live in ``tests/``; re-exporting them here lets each plugin's tests use them.
``pythonpath = ["."]`` in pyproject.toml makes ``tests`` importable.
"""

from tests.conftest import *  # noqa: F403
