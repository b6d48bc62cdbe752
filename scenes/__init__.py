"""Manim lecture "Why does ReLU fix vanishing gradients?": model, components and chapters."""
