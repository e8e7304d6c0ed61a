"""Alembic migrations of the Kennisbank schema; see :mod:`kennisbank.schema` for how they run."""
