"""Tweezer-style pinch-and-drag activity (joins in a later issue)."""
