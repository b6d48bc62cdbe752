"""The lecturer's own course on the cards (``render.sh --config``): the logo beside the course name
and "lecturer · institution", over a rule in the accent colour; and the closing card's licence lines.

Without a config the course card is an empty ``Group`` (the title card stays as it is) and the
licences are the defaults: CC BY 4.0 for the lecture, MIT for the code.
"""
from __future__ import annotations

from manim import DOWN, ORIGIN, RIGHT, UP, Group, ImageMobject, Line, Mobject, SVGMobject, VGroup

from ..course import CODE_LICENCE, Course, current_course
from ..style import BODY_SIZE, HEADING_SIZE, ITEM_BUFF, LABEL_SIZE, current_theme
from .text import get_plain_text, get_text, stack

LOGO_HEIGHT = 1.1  # about two lines of the card's text
LOGO_GAP = ITEM_BUFF * 2
RULE_WIDTH = 4
RULE_GAP = ITEM_BUFF * 1.2
TITLE_GAP = ITEM_BUFF * 4  # between the lecture's title and the course card under it


class _PillowForManimCamera:
    """PIL.Image as Manim 0.21's Cairo camera sees it, with one fix: to paste an ImageMobject the
    camera makes a blank canvas with ``Image.fromarray(np.zeros((h, w)), mode="RGBA")``, a 2-D float
    array that Pillow 12 and later reject ("Invalid mode for data type"). Here that canvas is made
    with ``Image.new``; every other call goes to Pillow unchanged."""

    def __init__(self, image_module) -> None:
        self._image = image_module

    def __getattr__(self, name: str):
        return getattr(self._image, name)

    def fromarray(self, array, mode: str | None = None):
        if mode == "RGBA" and getattr(array, "ndim", 0) == 2 and not array.any():
            return self._image.new("RGBA", (array.shape[1], array.shape[0]))
        return self._image.fromarray(array, mode=mode) if mode else self._image.fromarray(array)


def _let_the_camera_draw_images() -> None:
    from manim.camera import camera

    if not isinstance(camera.Image, _PillowForManimCamera):
        camera.Image = _PillowForManimCamera(camera.Image)


def get_logo(course: Course) -> Mobject | None:
    """The course's logo (PNG or SVG) at the card's height, or None."""
    if course.logo is None:
        return None
    if course.logo.suffix.lower() == ".svg":
        logo = SVGMobject(str(course.logo))
    else:
        _let_the_camera_draw_images()
        logo = ImageMobject(str(course.logo))
    logo.scale_to_fit_height(LOGO_HEIGHT)
    return logo


def get_course_card(course: Course | None = None) -> Group:
    """Logo, course and "lecturer · institution" side by side, an accent rule above; empty without
    a config."""
    course = course or current_course()
    theme = current_theme()
    lines = []
    if course.course:
        lines.append(get_plain_text(course.course, size=HEADING_SIZE))
    if course.names:
        lines.append(get_plain_text(course.names, size=BODY_SIZE, color=theme.muted))
    parts = [part for part in (get_logo(course), stack(*lines) if lines else None) if part is not None]
    if not parts:
        return Group()
    card = Group(*parts).arrange(RIGHT, buff=LOGO_GAP)
    rule = Line(card.get_left(), card.get_right(), stroke_width=RULE_WIDTH,
                color=course.accent or theme.muted).next_to(card, UP, buff=RULE_GAP)
    return Group(rule, card)


def place_course_card(title: Mobject) -> Group:
    """The course card under ``title``, the two centred together on the frame (``title`` moves up
    to make room); an empty Group, and ``title`` untouched, without a config."""
    card = get_course_card()
    if card.submobjects:
        Group(title, card).arrange(DOWN, buff=TITLE_GAP).move_to(ORIGIN)
    return card


def get_licence_lines(course: Course | None = None) -> VGroup:
    """The lecture's licence (from the config, CC BY 4.0 by default) and the code's, centred."""
    course = course or current_course()
    theme = current_theme()
    return VGroup(
        get_text("licence.lecture", size=BODY_SIZE, licence=course.licence),
        get_text("licence.code", size=LABEL_SIZE, color=theme.muted, licence=CODE_LICENCE),
    ).arrange(DOWN, buff=ITEM_BUFF)


__all__ = ["get_course_card", "get_licence_lines", "get_logo", "place_course_card"]
