"""Settings only the build tool (and its tests) reads: the names of the environment variables that
carry its own choices into the processes it starts. What a chapter is drawn in (language, theme,
voice, course) is the lecture context's (scenes/lib/lecture.py); the project folder and the cache
are shared with the scenes (scenes/lib/settings.py).

Standard library only: ``render.sh`` reads it before anything is installed.
"""
from __future__ import annotations

SLIDES_DIR_ENV = "LECTURE_SLIDES_DIR"  # set for slides: where manim-slides writes the deck
SPLIT_CORES_ENV = "LECTURE_SPLIT_CORES"  # cut chapters as if for this many cores (the benchmark)
UPDATE_REFERENCES_ENV = "LECTURE_UPDATE_REFERENCES"  # "1": the graphics tests rewrite their references
PARENT_PID_ENV = "LECTURE_RENDER_PID"  # a Manim worker dies with this process (pipeline/manim_worker.py)
RECORDER_ENV = "LECTURE_RECORDER"  # render.sh record: a program taking arecord's arguments
PLAYGROUND_GRID_ENV = "LECTURE_PLAYGROUND_GRID"  # "small": the tests' quick playground grid (default full)
X264_ENV = "LECTURE_X264"  # a worker's x264 options, "preset=ultrafast,crf=23"; empty: Manim's own
