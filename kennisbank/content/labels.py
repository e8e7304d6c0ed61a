"""``{lang: text}`` labels, as plugins give them for types, fields, choices and kinds."""

from __future__ import annotations

from collections.abc import Mapping

Labels = Mapping[str, str]


def label_in(labels: Labels | None, lang: str, default: str = "") -> str:
    """A ``{lang: text}`` label in ``lang``, falling back to any language present."""
    if not labels:
        return default
    if lang in labels:
        return labels[lang]
    for other in ("en", "nl"):
        if other in labels:
            return labels[other]
    return next(iter(labels.values()), default)
