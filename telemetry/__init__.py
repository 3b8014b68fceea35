"""Telemetry: the CSV schema, the durable recorder, loading, analytics and reports (no pygame)."""
