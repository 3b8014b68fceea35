"""Children listed as people count: "Kid 2" before "Kid 10", case and accents aside, in the
roster (the children picker, ``finemotor children``) and on the caseload page."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from telemetry.children import ChildrenRegistry
from telemetry.natural_sort import natural_key
from telemetry.report_html import QualityNote
from telemetry.report_index import render_index
from telemetry.report_sections import Period

NAMES = ["Kid 10", "kid 1", "Kid 2", "Élodie", "Eli", "10 kids", "3 kids", "Kid 02", "Zoë"]
IN_ORDER = ["3 kids", "10 kids", "Eli", "Élodie", "kid 1", "Kid 2", "Kid 02", "Kid 10", "Zoë"]


def test_numbers_count_and_case_and_accents_do_not_matter() -> None:
    assert sorted(NAMES, key=natural_key) == IN_ORDER
    assert natural_key("Sam") == natural_key("SAM") == natural_key("Sàm")
    assert natural_key("Sam") < natural_key("Sam 1") < natural_key("Sam 1b") < natural_key(
        "Sam 2")


def test_the_roster_lists_children_as_people_count(tmp_path: Path) -> None:
    roster = ChildrenRegistry(tmp_path)
    for name in NAMES:
        roster.add(name)
    twin = roster.add("kid 1")  # the same name again: the ids decide, as always
    listed = roster.list()
    assert [c.nickname for c in listed] == IN_ORDER[:5] + ["kid 1"] + IN_ORDER[5:]
    ones = [c.child_id for c in listed if c.nickname == "kid 1"]
    assert ones == sorted(ones) and twin.child_id in ones


def test_the_caseload_page_lists_flagged_children_first_then_as_people_count() -> None:
    ids = [f"c{i}" for i in range(len(NAMES))]
    names = dict(zip(ids, NAMES, strict=True))
    flagged = {"c0": "no session in 14 days", "c2": "accuracy falling"}  # Kid 10, Kid 2
    case = pd.DataFrame({
        "child_id": ids,
        "last_session": ["2026-03-01"] * len(ids),
        "days_since_last": [1] * len(ids),
        "sessions_4w": [3] * len(ids),
        "minutes_4w": [30.0] * len(ids),
        "trends": [""] * len(ids),
        "status": [""] * len(ids),
        "flags": [flagged.get(c, "") for c in ids],
    })
    weekly = pd.DataFrame({"child_id": pd.Series([], dtype=str),
                           "sessions": pd.Series([], dtype=int)})
    when = datetime(2026, 3, 2, tzinfo=timezone.utc)
    page = render_index(case, weekly, names, {c: f"{c}.html" for c in ids}, QualityNote(),
                        Period(None, None, when, when), anonymize=False)
    table = page[page.index("<table"):]
    shown = re.findall(r"<a class='child' href='c\d+\.html'>([^<]+)</a>", table)
    assert shown == ["Kid 2", "Kid 10", "3 kids", "10 kids", "Eli", "Élodie", "kid 1",
                     "Kid 02", "Zoë"]
