"""Names in the order people expect: "Sam 2" before "Sam 10", case and accents aside.

Used wherever children are listed by nickname (the children picker, ``finemotor children``,
the caseload page), so a therapist who names children "Group A 1" to "Group A 12" finds them
in counting order. Pure Python.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["natural_key"]

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, str, int], ...]:
    """A sort key for ``text``: runs of digits compare as numbers (before letters), the rest
    case- and accent-insensitively (``Élodie`` beside ``Elodie``). Names equal but for case
    or accents get equal keys: callers break the tie (by child id), as the roster always
    did."""
    folded = unicodedata.normalize("NFKD", str(text)).casefold()
    base = "".join(ch for ch in folded if not unicodedata.combining(ch))
    parts: list[tuple[int, str, int]] = []
    for i, part in enumerate(_DIGITS.split(base)):
        if i % 2:  # a run of digits (before letters): by value, then fewer leading zeros
            parts.append((0, "", int(part)))
            parts.append((0, "", len(part)))
        elif part:
            parts.append((1, part, 0))
    return tuple(parts)
