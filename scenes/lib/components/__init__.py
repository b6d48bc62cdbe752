"""Reusable mobjects and animation builders shared by the chapters."""
