"""Tracing activity: strokes, shapes, digits and letters along a path."""
