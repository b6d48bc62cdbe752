"""Chapter 7: the closing card: thanks, the lecturer's course (``--config``), the playground and the
licences."""
from __future__ import annotations

from manim import DOWN, FadeIn, Group

from scenes.lib.components.course_card import get_course_card, get_licence_lines
from scenes.lib.components.text import get_text
from scenes.lib.lecture_scene import LectureScene, beat
from scenes.lib.style import BEAT_PAUSE, BODY_SIZE, ITEM_BUFF, TITLE_SIZE

BLOCK_GAP = ITEM_BUFF * 4  # between the thanks, the course card and the licences


class ClosingCard(LectureScene):
    """Who made the lecture, and how it may be reused."""

    chapter_key = "ch7"

    def construct(self) -> None:
        self.show_credits()

    @beat
    def show_credits(self) -> None:
        self.open_beat()
        thanks = get_text("ch7.thanks", size=TITLE_SIZE)
        playground = get_text("ch7.playground", size=BODY_SIZE, color=self.theme.muted)  # playground.html
        blocks = [thanks, get_course_card(), playground, get_licence_lines()]
        card = Group(*(block for block in blocks if block.submobjects))  # no course card without a config
        card.arrange(DOWN, buff=BLOCK_GAP)
        self.play(FadeIn(thanks, shift=DOWN * 0.2))
        self.play(FadeIn(Group(*card[1:])), run_time=1.0)
        self.wait(BEAT_PAUSE * 3)
