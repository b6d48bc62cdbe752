"""Chapter 0: the title card and the four ideas ahead."""
from __future__ import annotations

from manim import DOWN, UP, FadeIn, FadeOut, LaggedStart, Write

from scenes.lib.components.course_card import place_course_card
from scenes.lib.components.text import get_text
from scenes.lib.components.toc import get_table_of_contents
from scenes.lib.lecture_scene import LectureScene
from scenes.lib.style import BEAT_PAUSE, HEADING_SIZE, ITEM_BUFF, TITLE_SIZE


class TitleCard(LectureScene):
    """The question of the lecture, then a small table of contents."""

    chapter_key = "ch0"

    def construct(self) -> None:
        self.show_title()
        self.preview_ideas()

    def show_title(self) -> None:
        self.start_beat("show_title")
        self.title = get_text("lecture.title", size=TITLE_SIZE)
        self.course = place_course_card(self.title)  # the lecturer's course (--config); empty without
        self.play(Write(self.title), FadeIn(self.course), run_time=1.5)
        self.wait(BEAT_PAUSE)

    def preview_ideas(self) -> None:
        self.start_beat("preview_ideas")
        heading = get_text("ch0.ahead", size=HEADING_SIZE, color=self.theme.muted)
        toc = get_table_of_contents()
        self.play(self.title.animate.to_edge(UP, buff=1.0), FadeOut(self.course))
        heading.next_to(self.title, DOWN, buff=ITEM_BUFF * 3)
        toc.next_to(heading, DOWN, buff=ITEM_BUFF * 2)
        self.play(FadeIn(heading, shift=DOWN * 0.2))
        self.play(LaggedStart(*(FadeIn(row, shift=UP * 0.2) for row in toc), lag_ratio=0.35), run_time=2.5)
        self.wait(BEAT_PAUSE * 3)
