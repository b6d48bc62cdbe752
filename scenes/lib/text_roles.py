"""The role of each string a chapter puts on screen, given where it is made (issue 27: show more,
write less): the components mark what they build, the measure (screen_text.py) reads the marks.

- **prose**: a sentence (``get_wrapped_text``, or ``role=PROSE``); what the measure counts;
- **label**: a name next to what it names, a title, a heading (``get_text``, ``get_plain_text``);
- **takeaway**: the one line a beat ends on (``TakeawayCard``); counted apart, with its own limit.

A module of its own, with nothing but the marks, so that the chapters do not depend on the measure
(a change to how words are counted re-renders no chapter).
"""
from __future__ import annotations

from typing import TypeVar

__all__ = ["LABEL", "mark_role", "PROSE", "role_of", "ROLES", "TAKEAWAY"]

PROSE = "prose"
LABEL = "label"
TAKEAWAY = "takeaway"
ROLES = (PROSE, LABEL, TAKEAWAY)

# Where the role and the words sit on a marked mobject (copies keep them: Manim deep-copies).
_ROLE = "screen_role"
_TEXT = "screen_text"
_DECLARED = "screen_role_declared"
Marked = TypeVar("Marked")


def mark_role(mob: Marked, role: str | None, text: str, default: str = LABEL) -> Marked:
    """Mark ``mob`` as showing ``text`` in ``role`` (one of ``ROLES``), or in the ``default`` role
    of the component that made it when ``role`` is None; return it. A role given is a claim the
    measure believes: a long label counts as prose only when no one said it is a label."""
    chosen = default if role is None else role
    if chosen not in ROLES:
        raise ValueError(f"unknown role {chosen!r}; choose from {', '.join(ROLES)}")
    setattr(mob, _ROLE, chosen)
    setattr(mob, _TEXT, text)
    setattr(mob, _DECLARED, role is not None)
    return mob


def role_of(mob: object) -> tuple[str | None, str | None, bool]:
    """The role ``mob`` was marked with (None if unmarked), the text it shows, and whether its maker
    declared the role in writing."""
    return getattr(mob, _ROLE, None), getattr(mob, _TEXT, None), getattr(mob, _DECLARED, False)
