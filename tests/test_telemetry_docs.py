"""docs/data-format.md names every table, column and session.json key of the schema."""

from __future__ import annotations

from pathlib import Path

from telemetry import schema

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-format.md"


def test_every_schema_column_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for table in schema.TABLES.values():
        assert f"`{table.filename}`" in text, table.filename
        for name in table.header:
            assert f"`{name}`" in text, f"{table.filename}: {name}"


def test_session_json_keys_are_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for key in (
        "schema_version", "session_id", "child_id", "started_at", "ended_at", "mode",
        "app_version", "screen", "width_px", "height_px", "width_mm", "height_mm", "handedness",
    ):
        assert f"`{key}`" in text, key
