"""What a string on screen is, marked where it is made: prose, a label or a takeaway (issue 27).

The components mark what they build (``get_text``: a label, ``get_wrapped_text``: prose,
``TakeawayCard``: the takeaway) and a chapter may say otherwise with ``role=``. The measure that
reads the marks, and its limits, live in screen_text.py, which chapters never import: a change to
how words are counted re-renders no chapter.
"""
from __future__ import annotations

from manim import Mobject

__all__ = ["LABEL", "mark_role", "PROSE", "ROLE_ATTRIBUTE", "ROLES", "TAKEAWAY", "TEXT_ATTRIBUTE",
           "DECLARED_ATTRIBUTE"]

PROSE, LABEL, TAKEAWAY = "prose", "label", "takeaway"
ROLES = (PROSE, LABEL, TAKEAWAY)
# Where the role and the words sit on a marked mobject (copies keep them: Manim deep-copies).
ROLE_ATTRIBUTE = "screen_role"
TEXT_ATTRIBUTE = "screen_text"
DECLARED_ATTRIBUTE = "screen_role_declared"


def mark_role(mob: Mobject, role: str | None, text: str, default: str = LABEL) -> Mobject:
    """Mark ``mob`` as showing ``text`` in ``role`` (one of ``ROLES``), or in the ``default`` role
    of the component that made it when ``role`` is None; return it. A role given is a claim the
    measure believes: a long label counts as prose only when no one said it is a label."""
    chosen = default if role is None else role
    if chosen not in ROLES:
        raise ValueError(f"unknown role {chosen!r}; choose from {', '.join(ROLES)}")
    setattr(mob, ROLE_ATTRIBUTE, chosen)
    setattr(mob, TEXT_ATTRIBUTE, text)
    setattr(mob, DECLARED_ATTRIBUTE, role is not None)
    return mob
