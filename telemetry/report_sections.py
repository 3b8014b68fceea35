"""The sections of a child's report page: the contract activities write to, and the generic ones.

An activity adds its own sections (its drawn strokes, its milestones...) by
injection, as an HTTP client takes a transport: ``games/`` passes every registered activity's
``report_sections()`` to :func:`telemetry.report.build_reports`, and telemetry never names an
activity. A section is any object with the :class:`ReportSection` shape:

* ``key``: unique among the sections of a report (use it as the fragment's ``<section id>``);
* ``prepare(report)``: called once per report with the whole caseload (:class:`ReportContext`),
  so a section can compute its tables for every child in one vectorised pass;
* ``render(child)``: called once per child with a :class:`ChildContext`; returns a
  :class:`SectionOutput` (an HTML fragment, an optional line for the "At a glance" box,
  optional tidy CSV tables, written as ``<name>.csv`` beside the pages, one file per name
  with every child's rows, and optional cells and flags for the caseload page);
* ``top`` (optional attribute, default False): the section goes right under "At a glance"
  instead of after the activities' sections (the plan and goals do);
* ``uses_metrics`` (optional attribute, default False): the section reads the child's metric
  rows (:meth:`ChildContext.trial_metrics`), so the report loads the caseload's metric rows
  once (typed, from the summary cache) instead of each child reading its files.

The generic sections (the "At a glance" box, practice) are here; the per-activity trend
section is in ``telemetry.report_activity``. HTML helpers (``report_html``) and SVG charts
(``charts``) are for sections to import.
"""

from __future__ import annotations

import collections
import functools
import os
import sys
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from telemetry import report_html as H
from telemetry import schema
from telemetry.rows import TrialRows
from telemetry.trial_cache import TrialCache

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

ItemLabel = Callable[[str, str], str]  # (activity id, item id) -> people's name for the item


def default_item_label(activity: str, item: str) -> str:
    """An item id as people read it when its activity gives no name: ``diag_left`` → ``diag
    left``."""
    return str(item).replace("_", " ")


@dataclass(frozen=True)
class Period:
    """The report's dates: the period shown, the report date and "the last 4 weeks"."""

    since: datetime | None
    until: datetime | None  # exclusive
    as_of: datetime  # the report date: --until, or now
    recent_from: datetime  # the start of "the last 4 weeks" (as_of minus 28 days)

    def text(self) -> str:
        """The period in one line for a page's header."""
        from datetime import timedelta

        s = self.since.date().isoformat() if self.since else "the first session"
        u = (self.until - timedelta(days=1)).date().isoformat() if self.until else "today"
        return f"Period: {s} to {u}. Report date {self.as_of.date().isoformat()} (UTC)."

    def recent_span(self) -> str:
        """``the 28 days up to the report date, 2026-02-23 to 2026-03-22``."""
        from datetime import timedelta

        last = (self.as_of - timedelta(microseconds=1)).date().isoformat()
        return f"the 28 days up to the report date, {self.recent_from.date()} to {last}"

    def recent_text(self) -> str:
        """What "the last 4 weeks" means, with its dates (the same on every page)."""
        return f"Last 4 weeks: {self.recent_span()}."


@dataclass
class ReportContext:
    """What every section sees once per report: the caseload's checked trials and the period.

    ``trials`` covers the report's period; ``history`` every trial up to the report date
    (also before ``--since``: a lasting achievement such as a milestone counts it);
    ``sessions`` is the loader's sessions table (with each session's ``folder``).
    """

    child_ids: list[str]
    trials: pd.DataFrame
    history: pd.DataFrame
    sessions: pd.DataFrame
    period: Period
    anonymize: bool
    item_label: ItemLabel = default_item_label
    activity_titles: Mapping[str, str] = field(default_factory=dict)


@dataclass
class ChildContext:
    """One child's tables for a section: all checked rows, already split per child.

    ``trials``: the child's trials in the period (loader columns); ``sessions``: one row per
    session (``analytics.session_table``); ``act_sessions``/``trends``/``items``: the analytics
    tables of this child; ``folders``: session id to its folder, for :meth:`trial_rows`;
    ``metrics``: the child's checked metric rows in the period (loader columns) when the
    report loaded them, else None (:meth:`trial_metrics` reads the files it needs);
    ``trial_caches``: the per-child caches of values derived from one trial's raw rows
    (:meth:`trial_value`; None: every value is derived from the files, as a report without
    the summary cache does).
    """

    child_id: str
    name: str
    report: ReportContext
    trials: pd.DataFrame
    sessions: pd.DataFrame
    weekly: pd.DataFrame
    act_sessions: pd.DataFrame
    trends: pd.DataFrame
    items: pd.DataFrame
    caseload: Mapping[str, Any] | None
    quality: H.QualityNote
    folders: Mapping[str, str] = field(default_factory=dict)
    reader: TrialRows = field(default_factory=TrialRows)
    metrics: pd.DataFrame | None = None
    trial_caches: dict[str, TrialCache] | None = None

    @property
    def period(self) -> Period:
        """The report's period."""
        return self.report.period

    @property
    def anonymize(self) -> bool:
        """True when the report leaves out nicknames."""
        return self.report.anonymize

    def item_label(self, activity: str, item: str) -> str:
        """People's name for an item (the activity's ``item_label`` hook)."""
        return self.report.item_label(activity, item)

    def activity_title(self, activity: str) -> str:
        """The activity's title (``Drawing``), from the registry when games/ gave it."""
        return self.report.activity_titles.get(activity) or str(activity).capitalize()

    def trial_lines(self, table: schema.Table, session_id: str, trial: int) -> list[bytes]:
        """The raw lines of one trial in ``table`` (check them with ``rows.checked_fields``):
        for a caller that keeps only some of a long trial's samples."""
        folder = self.folders.get(str(session_id))
        if folder is None:
            return []
        return self.reader.lines(folder, table, str(session_id), int(trial))

    def trial_block(self, table: schema.Table, session_id: str, trial: int) -> bytes:
        """The raw lines of one trial in ``table`` joined by newlines (b"" when none; check
        the lines kept with ``rows.checked_fields``): for a caller that keeps only some of a
        long trial's samples and would rather not have an object per line."""
        folder = self.folders.get(str(session_id))
        if folder is None:
            return b""
        return self.reader.block(folder, table, str(session_id), int(trial))

    def trial_metrics(self, session_ids: Sequence[str], trials: Sequence[int],
                      names: Sequence[str], skip_empty: bool = True,
                      skip_units: Collection[str] = ()) -> np.ndarray:
        """Per trial (``session_ids[i]``, ``trials[i]``), the value of each metric of ``names``
        from its checked metrics.csv rows: the last row's, NaN when none
        (:func:`telemetry.metric_lookup.latest_values` says what ``skip_empty`` and
        ``skip_units`` pass over). From :attr:`metrics` when the report loaded them, else from
        the files of the child's sessions (read once, then kept in :attr:`metrics`)."""
        from telemetry.metric_lookup import latest_values

        if self.metrics is None:
            from telemetry.table_reader import load_table

            # every session of the child's trials (and those asked for): kept for the next call
            ids = {str(s) for s in session_ids} | {str(s) for s in self.trials["session_id"]}
            paths = sorted(os.path.join(self.folders[s], schema.METRICS.filename)
                           for s in ids if s in self.folders)
            self.metrics = load_table(paths, schema.METRICS)[0]
        return latest_values(self.metrics, session_ids, trials, names, skip_empty, skip_units)

    def trial_value(self, kind: str, tag: str, session_id: str, trial: int,
                    tables: Sequence[schema.Table], make: Callable[[], bytes]) -> bytes:
        """A value derived from one trial's rows in ``tables`` by ``make`` (bytes; ``kind``
        names it, ``tag`` says how it is made): from the child's trial cache
        (:mod:`telemetry.trial_cache`) while those files are unchanged, else made again from
        the files (read afresh, after their key is taken). The tag kept also names the
        session and the schema versions read, so a value made under others is made again."""
        folder = self.folders.get(str(session_id))
        if folder is None or self.trial_caches is None:
            return make()
        child_dir = os.path.dirname(folder)
        cache = self.trial_caches.get(child_dir)
        if cache is None:
            cache = self.trial_caches[child_dir] = TrialCache(child_dir)
        names = [t.filename for t in tables]
        errors = self.reader.read_errors

        def fresh() -> bytes:
            self.reader.forget(os.path.join(folder, n) for n in names)
            return make()

        full_tag = (f"{tag}; session {session_id}; schema {schema.SCHEMA_VERSION} reads "
                    f"{','.join(map(str, sorted(schema.READABLE_VERSIONS)))}; {sys.byteorder}")
        return cache.value(kind, full_tag, folder, int(trial), names, fresh,
                           keep=lambda: self.reader.read_errors == errors)

    def save_trial_values(self) -> None:
        """Write the values :meth:`trial_value` made into the child's trial cache."""
        for cache in (self.trial_caches or {}).values():
            cache.save()

    def trial_rows(self, table: schema.Table, session_id: str, trial: int) -> list[list[bytes]]:
        """The checked data fields (version and crc dropped) of one trial's rows in ``table``,
        read from disk through the one checked-row reader (``telemetry.rows``)."""
        folder = self.folders.get(str(session_id))
        if folder is None:
            return []
        return self.reader.rows(folder, table, str(session_id), int(trial))


@dataclass
class SectionOutput:
    """What a section gives for one child.

    ``html``: the fragment (empty: nothing shown); ``glance``: one short HTML line for the
    "At a glance" box; ``tables``: tidy rows for the CSV files (name → frame, the name without
    ``.csv``); ``caseload``: cells for the caseload page (column title → HTML cell; a column
    appears once any child has it, in section order); ``flags``: short texts added to the
    child's "needs attention" flags on the caseload page.
    """

    html: str = ""
    glance: str = ""
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    caseload: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


@runtime_checkable
class ReportSection(Protocol):
    """A section an activity adds to every child's page (see the module docstring)."""

    key: str

    def prepare(self, report: ReportContext) -> None:
        """Compute what the section needs for the whole caseload (called once per report)."""
        ...

    def render(self, child: ChildContext) -> SectionOutput:
        """The section for one child."""
        ...


@functools.lru_cache(maxsize=64)
def _row_type(names: tuple[str, ...]) -> Any:
    return collections.namedtuple("Row", names, rename=True)


def records(df: pd.DataFrame) -> Iterator[Any]:
    """The rows as ``df.itertuples(index=False)`` gives them (a field per column, plain
    Python values), without making a new row type at every call as it does (1 ms a table)."""
    make = _row_type(tuple(str(c) for c in df.columns))._make
    return map(make, zip(*(df[c].tolist() for c in df.columns), strict=True))


def columns(df: pd.DataFrame, *names: str) -> Iterator[tuple[Any, ...]]:
    """Rows of the named columns as plain Python values (much faster than itertuples)."""
    return zip(*(df[n].tolist() for n in names), strict=True)


def check_keys(sections: Sequence[ReportSection]) -> None:
    """Raise ``ValueError`` unless every section has the section shape and a unique key."""
    seen: set[str] = set()
    for s in sections:
        if not isinstance(s, ReportSection):
            raise ValueError(f"not a report section (needs key, prepare, render): {s!r}")
        if not s.key or s.key in seen:
            raise ValueError(f"report section key must be unique and not empty: {s.key!r}")
        seen.add(s.key)
