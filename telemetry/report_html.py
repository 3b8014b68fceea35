"""HTML pages of the therapist report: the caseload index and one page per child.

Each page is one self-contained file: inline CSS and inline SVG, no script, no font, no image
file and no network request, so it opens from a USB stick, prints on A4 or Letter, and can be
filed in a record as it is. Every chart has alt text and its numbers in a table.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from telemetry import charts

DISCLAIMER = (
    "These figures and milestones are practice guidance for the therapist. They are not a "
    "diagnosis and not a standardised score: screen figures are not paper norms, and "
    "developmental ages are wide ranges."
)

CSS = """
:root { --ink:#222; --muted:#666; --line:#ddd; --warn:#b00020; --ok:#006e4f; --em:#8a5a00; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; padding: 16px 20px; max-width: 1000px; line-height: 1.35; font-size: 14px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 22px 0 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 14px 0 4px; }
p.meta, .muted { color: var(--muted); }
.print-only { display: none; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left;
         vertical-align: top; }
th { background: #f4f4f4; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.flagged td { background: #fff4f4; }
.flag { color: var(--warn); font-weight: 600; }
.status-met { color: var(--ok); font-weight: 600; }
.status-emerging { color: var(--em); font-weight: 600; }
.status-not-yet { color: var(--muted); }
.up { color: var(--ok); } .down { color: var(--warn); } .flat, .none { color: var(--muted); }
.charts { display: flex; flex-wrap: wrap; gap: 8px 14px; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-size: 12px; color: var(--muted); max-width: 420px; }
svg { max-width: 100%; height: auto; }
svg.spark { max-width: none; }
.pair { display: inline-block; margin: 0 14px 12px 0; break-inside: avoid; vertical-align: top; }
.pair figure { display: inline-block; margin-right: 6px; }
.note { background: #f7f7f7; border-left: 4px solid #bbb; padding: 6px 10px; margin: 8px 0; }
.box { display: flex; flex-wrap: wrap; gap: 6px 24px; margin: 8px 0; }
.box div b { display: block; font-size: 18px; }
.glance { border: 2px solid var(--line); border-radius: 6px; padding: 4px 12px 6px;
          margin: 10px 0; break-inside: avoid; }
.glance h2 { border: 0; margin: 4px 0; }
.glance table { margin: 4px 0; }
.attention { border-left: 4px solid var(--warn); background: #fff4f4; padding: 6px 10px;
             margin: 8px 0; }
.attention ul { margin: 4px 0; padding-left: 20px; }
.legend { font-size: 12px; color: var(--muted); margin: 2px 0; }
.swatch { display: inline-block; width: 14px; height: 4px; vertical-align: middle;
          margin: 0 3px 0 8px; }
.nowrap, .date, .child { white-space: nowrap; }
.src { font-size: 11px; color: var(--muted); overflow-wrap: anywhere; }
.pair figcaption { max-width: 170px; }
details summary { cursor: pointer; color: var(--muted); font-size: 12px; }
section { break-inside: auto; }
@page { margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2, h2 + p, h3, .legend { break-after: avoid; }
  /* Paper is narrower than a screen: let trend text wrap, but never a date. */
  .nowrap { white-space: normal; }
  table { font-size: 9pt; }
  thead { display: table-header-group; }
  tr, .pair, figure, .note, .glance, .attention { break-inside: avoid; }
  /* The notes stay together: a page holding only the data-quality note reads as a stray
     sheet (on a child's page they come before the activities' own sections, not last). */
  .endnotes { break-inside: avoid; }
  /* Three trend charts to a row on A4 and Letter (a chart is never split or left alone). */
  .charts { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px 10px; }
  .charts svg { width: 100%; height: auto; }
  /* Two shapes (first and latest each) to a row instead of one. */
  .pair svg.strokes { width: 150px; height: 150px; }
  .pair figcaption { max-width: 150px; }
  .pair { margin-right: 10px; }
  a { color: inherit; text-decoration: none; }
  details:not([open]) { display: none; }
  .screen-only { display: none; }
  .print-only { display: block; }
}
"""

ARROWS = {"up": "↑", "down": "↓", "flat": "→", "none": "·"}
ARROW_WORDS = {"up": "improving", "down": "declining", "flat": "steady", "none": "too few sessions"}


def esc(value: object) -> str:
    """HTML-escape any value; NaN and None become an en dash."""
    if value is None:
        return "–"
    if isinstance(value, float) and not math.isfinite(value):
        return "–"
    if value is pd.NaT:
        return "–"
    return html.escape(str(value), quote=True)


def fmt_num(value: object, digits: int = 2) -> str:
    """A number for a table cell: fixed digits, an en dash for missing values."""
    if value is None:
        return "–"
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return esc(value)
    if not math.isfinite(v):
        return "–"
    if digits == 0:
        return f"{v:.0f}"
    return f"{v:.{digits}f}"


def fmt_signed(value: object, digits: int = 2) -> str:
    """A change with its sign (``+0.12``), an en dash when missing."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(v):
        return "–"
    return f"{v:+.{digits}f}"


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: Sequence[bool] | None = None,
    caption: str = "",
    row_classes: Sequence[str] | None = None,
) -> str:
    """An HTML table from already-escaped cell strings; ``numeric`` right-aligns columns."""
    numeric = numeric or [False] * len(headers)
    out = ["<table>"]
    if caption:
        out.append(f"<caption class='muted'>{esc(caption)}</caption>")
    out.append("<thead><tr>")
    out.extend(
        f"<th{' class=num' if n else ''} scope=col>{esc(h)}</th>"
        for h, n in zip(headers, numeric, strict=True)
    )
    out.append("</tr></thead><tbody>")
    for i, row in enumerate(rows):
        cls = row_classes[i] if row_classes is not None and row_classes[i] else ""
        out.append(f"<tr class='{cls}'>" if cls else "<tr>")
        out.extend(
            f"<td{' class=num' if n else ''}>{cell}</td>"
            for cell, n in zip(row, numeric, strict=True)
        )
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def page(title: str, body: str) -> str:
    """A whole HTML document with the report's inline style."""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        # No request may leave the page: forbid every fetch except inline content.
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"{body}</body></html>\n"
    )


@dataclass
class QualityNote:
    """What the data-quality note says: rows skipped per table, sessions without an end."""

    skipped_rows: dict[str, int] = field(default_factory=dict)
    sessions_without_end: int = 0
    unreadable_sessions: int = 0
    scope: str = "in the data folder"

    def html(self) -> str:
        """The note as an HTML paragraph."""
        skipped = sum(self.skipped_rows.values())
        parts = []
        if skipped:
            per = ", ".join(f"{n} in {t}" for t, n in sorted(self.skipped_rows.items()) if n)
            parts.append(
                f"{skipped} row(s) were skipped as torn or malformed ({per}); they are not in "
                "any figure."
            )
        else:
            parts.append("No rows were skipped as torn or malformed.")
        if self.sessions_without_end:
            parts.append(
                f"{self.sessions_without_end} session(s) have no recorded end (the app was "
                "closed hard or crashed); their minutes run to the end of their last trial."
            )
        else:
            parts.append("Every session has a recorded end.")
        if self.unreadable_sessions:
            parts.append(f"{self.unreadable_sessions} session folder(s) could not be read.")
        # Said plainly: the count covers what the figures are made of, not every raw file.
        parts.append(
            "The figures come from the trial rows (trials.csv); raw samples are read, and "
            "checked row by row, only for the strokes drawn."
        )
        return (
            f"<div class='note' id='data-quality'><b>Data quality</b> ({esc(self.scope)}): "
            + " ".join(esc(p) for p in parts)
            + "</div>"
        )


def status_cell(status: str) -> str:
    """A milestone status with its colour class."""
    cls = "status-" + status.replace(" ", "-")
    return f"<span class='{cls}'>{esc(status)}</span>"


def trend_cell(trend: str, latest: float) -> str:
    """An arrow with the latest accuracy, e.g. ``↑ 0.82``, and a word for screen readers."""
    return (
        f"<span class='{trend}' title='{ARROW_WORDS[trend]}'>{ARROWS[trend]}</span> "
        f"{fmt_num(latest)}<span class='muted' style='font-size:11px'> "
        f"{ARROW_WORDS[trend]}</span>"
    )


def arrow(trend: str) -> str:
    """The trend arrow alone, coloured, with its word as a tooltip."""
    return f"<span class='{trend}' title='{ARROW_WORDS[trend]}'>{ARROWS[trend]}</span>"


def change_word(change: object, threshold: float, better: str, worse: str) -> str:
    """``better``/``worse``/``about the same`` for a change, against ``threshold``.

    A change within the threshold is called "about the same" rather than given a direction:
    session medians move a little from week to week without anything having changed.
    """
    try:
        v = float(change)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(v):
        return "–"
    if v >= threshold - 1e-9:
        return better
    if v <= -threshold + 1e-9:
        return worse
    return "about the same"


def chart_legend() -> str:
    """The legend shared by the per-session trend charts (bands drawn in ``charts``)."""
    return (
        "<p class='legend'>One dot per session (the median of its completed trials)."
        f"<span class='swatch' style='background:{charts.ORANGE}'></span>baseline: median of "
        f"the first sessions<span class='swatch' style='background:{charts.GREEN}'></span>"
        "latest: median of the last sessions</p>"
    )


def figure(svg: str, caption: str = "") -> str:
    """A chart wrapped in a figure with an optional caption."""
    cap = f"<figcaption>{keep_dates(esc(caption))}</figcaption>" if caption else ""
    return f"<figure>{svg}{cap}</figure>"


def numbers_table(summary: str, table_html: str, open_: bool = False,
                  csv_name: str | None = None) -> str:
    """A chart's numbers in a collapsible table (the CSV files hold them too).

    On paper the folded table is left out (a year is pages of rows); a printed line says where
    the numbers are instead, so a chart is never on paper without a way to its figures.
    """
    where = f" and in {esc(csv_name)} beside it" if csv_name else " and in the CSV files beside it"
    return (
        f"<details{' open' if open_ else ''}><summary>{esc(summary)}</summary>"
        f"{table_html}</details>"
        f"<p class='print-only muted'>{esc(summary)}: in the on-screen report{where}.</p>"
    )


def dates(values: Iterable[object]) -> list[str]:
    """ISO dates as strings for chart labels."""
    return [str(v) for v in values]


def practice_chart(weeks: pd.DataFrame) -> str:
    """The weekly practice chart (minutes, clinic under home) for one child."""
    return charts.weekly_bars(
        dates(weeks["week_start"]),
        weeks["clinic_minutes"].tolist(),
        weeks["home_minutes"].tolist(),
        title="Minutes of practice per week",
    )


_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def keep_dates(escaped: str) -> str:
    """Escaped text with every ISO date in a no-wrap span: a browser may break a line after
    a hyphen, and a date printed as "2026-12-" / "01" is misread."""
    return _ISO_DATE.sub(lambda m: f"<span class='date'>{m.group(0)}</span>", escaped)


def header(title: str, subtitle: str) -> str:
    """A page's title and its grey subtitle line (dates kept on one line)."""
    return f"<h1>{esc(title)}</h1><p class='meta'>{keep_dates(esc(subtitle))}</p>"


def endnotes(*parts: str) -> str:
    """The notes of a page (how to read, data quality), kept together on paper."""
    return "<div class='endnotes'>" + "".join(parts) + "</div>"


def rules_note() -> str:
    """How to read the figures: the trend rule, stated on every page."""
    from telemetry import analytics

    r = analytics.TrendRule()
    return (
        "<p class='muted'>How to read: a session's figure is the median of its trials. "
        f"<b>Baseline</b> is the median of the first {r.window} sessions with completed "
        f"trials, <b>latest</b> the median of the last {r.window} (fewer when there are under "
        f"{2 * r.window} such sessions), "
        "so one noisy session does not move them. Arrows compare the latest "
        f"{r.window} sessions with the {r.window} before them: ↑ or ↓ when accuracy changed "
        f"by {r.threshold:g} or more. A <b>decline</b> is flagged when accuracy dropped by "
        f"{r.decline:g} or more, unless the level went up (accuracy dips when the road "
        f"narrows), or when the items of the last {r.window} sessions sit, as a median, "
        f"{r.level_drop:g} or more levels below their own best (the game widened the road "
        f"after misses). A child is flagged after {analytics.INACTIVE_DAYS} days without practice. "
        "Dates are UTC; weeks start on Monday.</p>"
    )
