"""Measured speed and memory figures (not timed tests). Run: ``make bench``."""
