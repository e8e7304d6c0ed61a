"""Give the plugin tests the core's fixtures (``app``, ``client``, ``runner``, ``make_item``...).

pytest only sees a conftest's fixtures below its own folder, and the core's
live in ``tests/``; re-exporting them here lets each plugin's tests use them
``tests`` imports however pytest is started (``pytest plugins/education``
from the ``pytest`` script does not put the working directory there).
"""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)

from tests.conftest import *  # noqa: E402, F403
