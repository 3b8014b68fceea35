"""The report as ``finemotor report`` makes it: telemetry's report with every activity's parts.

``telemetry.report.build_reports`` names no activity; this passes it what the registered
activities give (their ``report_sections()``, ``item_label`` and title), so a new activity's
sections appear in every child's page without an edit to telemetry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from games.registry import Activity, load_activities

if TYPE_CHECKING:
    from telemetry.report import ReportResult


def activity_report_parts(
    activities: list[Activity] | None = None,
) -> dict[str, Any]:
    """``sections``, ``item_label`` and ``activity_titles`` for ``build_reports``."""
    from telemetry.report_sections import default_item_label

    pool = load_activities() if activities is None else activities
    sections: list[Any] = []
    for a in pool:
        sections.extend(a.sections())
    labels = {a.id: a.item_label for a in pool if a.item_label is not None}

    def item_label(activity: str, item: str) -> str:
        label = labels.get(activity)
        return label(item) if label is not None else default_item_label(activity, item)

    return {
        "sections": sections,
        "item_label": item_label,
        "activity_titles": {a.id: a.title for a in pool},
    }


def build_reports(*args: Any, activities: list[Activity] | None = None,
                  **kwargs: Any) -> ReportResult:
    """``telemetry.report.build_reports`` with every registered activity's sections and names
    (same arguments)."""
    from telemetry.report import build_reports as build
    from telemetry.report_plan import PlanSection

    parts = activity_report_parts(activities)
    data_dir = args[0] if args else kwargs["data_dir"]
    # The plan and goals of each child come first on its page (a section like the others).
    parts["sections"] = [PlanSection(data_dir), *parts["sections"]]
    return build(*args, **parts, **kwargs)
