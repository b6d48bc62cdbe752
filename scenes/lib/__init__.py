"""The small library every chapter shares: style, strings, the lecture scene base and components."""
