"""Errors a person can fix: the CLI prints the message on one line and exits 2, no traceback."""


class UsageError(Exception):
    """Bad input from a user (argument, id, folder); the message says what to do."""


class SchemaVersionError(UsageError):
    """Data written by a schema version this program cannot read."""
