"""The render pipeline behind ``render.sh``: options, rendering chapters, the manifest.

It reads the chapter registry and the string tables and runs each chapter through Manim; it never
reaches into a scene's internals.
"""
