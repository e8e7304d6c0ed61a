"""One module per revision, numbered in order (``0001_initial.py``, ...)."""
