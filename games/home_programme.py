"""The printable one-page home programme a parent takes home, made from the child's plan.

What to play, how often and for how long, the review date, and two or three plain-language tips
per activity on how to help (each activity gives its own as ``Activity.home_tips``), plus the
tips that hold for every activity (where to sit, which hand, praising effort) and a tick chart
for four weeks. Self-contained HTML (no network, no script) that prints on one A4 or Letter
page; ``finemotor plan ID home --out FILE`` writes it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from games.kit.activity import Activity
from telemetry.plan import Plan
from telemetry.profile import ChildProfile

GENERAL_TIPS = (
    "Sit at a table with the screen flat or slightly tilted, at elbow height, feet flat on the "
    "floor or on a box.",
    "Praise the effort, not the score: \u201cyou kept going round the whole circle!\u201d. "
    "Mistakes are part of practice, and the games never punish them.",
    "Stop while it is still fun. The session ends by itself after the planned minutes, with a "
    "reward.",
    "Sit beside your child rather than opposite, so you see the screen the same way they do.",
)
HAND_TIPS = {
    "left": "{name} uses the left hand: turn on the left-handed layout (grown-up area) and put "
            "the screen a little to the left.",
    "right": "{name} uses the right hand: put the screen a little to the right.",
    "not settled": "{name}'s hand is not settled yet: let {name} choose the hand each time, "
                   "and don't switch hands in the middle of a game.",
}
FALLBACK_TIPS = ("Let your child do the moving; help by pointing, not by guiding the hand.",)


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def render_home_programme(name: str, plan: Plan, activities: Sequence[Activity],
                          profile: ChildProfile, today: date, device_minutes: int) -> str:
    """The home programme page as HTML. ``activities``: the installed ones, in order."""
    planned = plan.planned_activities([a.id for a in activities])
    by_id = {a.id: a for a in activities}
    minutes = plan.minutes or device_minutes
    per_week = plan.home_sessions_per_week
    how_often = (f"{per_week} times a week" if per_week else "as often as your therapist "
                 "suggests")
    rows = []
    for activity_id in planned:
        activity = by_id[activity_id]
        ap = plan.activities.get(activity_id)
        what = ""
        if ap is not None and ap.sets:
            labels = [activity.item_label(s) if activity.item_label else s for s in ap.sets]
            what = f"<p class=what>Play: {_esc(', '.join(labels))}</p>"
        tips = activity.home_tips or FALLBACK_TIPS
        tip_items = "".join(f"<li>{_esc(t)}</li>" for t in tips[:3])
        rows.append(f"<section class=act><h2>{_esc(activity.title)}</h2>{what}"
                    f"<ul>{tip_items}</ul></section>")
    if not rows:
        rows.append("<p>No games are planned yet: ask your therapist.</p>")
    general = list(GENERAL_TIPS)
    if profile.hand in HAND_TIPS:
        general.insert(1, HAND_TIPS[profile.hand].format(name=name))
    review = (f"<p>We will look at the progress together on "
              f"<b>{_esc(plan.review_date.strftime('%d %B %Y'))}</b>.</p>"
              if plan.review_date else "")
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    chart_head = "".join(f"<th>{d}</th>" for d in days)
    chart_rows = "".join(
        f"<tr><th>Week {w}</th>{''.join('<td></td>' for _ in days)}</tr>" for w in range(1, 5))
    return f"""<!doctype html>
<html lang=en><head><meta charset=utf-8>
<title>Home practice for {_esc(name)}</title>
<style>
@page {{ size: auto; margin: 14mm; }}
body {{ font: 11pt/1.4 system-ui, sans-serif; color: #222; max-width: 180mm; margin: 0 auto; }}
h1 {{ font-size: 18pt; margin: 0 0 4pt; }}
h2 {{ font-size: 13pt; margin: 10pt 0 2pt; }}
.plan {{ font-size: 13pt; border: 2px solid #0072B2; border-radius: 8px; padding: 6pt 10pt; }}
.what {{ margin: 0; font-weight: 600; }}
ul {{ margin: 2pt 0 0 16pt; padding: 0; }}
table {{ border-collapse: collapse; margin-top: 4pt; }}
th, td {{ border: 1px solid #999; padding: 2pt 6pt; font-size: 10pt; }}
td {{ width: 14mm; height: 7mm; }}
.small {{ font-size: 9pt; color: #555; }}
.act, .plan, table {{ break-inside: avoid; }}
</style></head><body>
<h1>Home practice for {_esc(name)}</h1>
<p class=small>Made on {_esc(today.isoformat())} from the plan your therapist wrote.</p>
<div class=plan><p><b>{_esc(how_often.capitalize())}, {minutes} minutes each time.</b>
Start finemotor, tap {_esc(name)}'s picture, and play; the session ends by itself.</p>
{review}</div>
{''.join(rows)}
<h2>For every game</h2>
<ul>{''.join(f'<li>{_esc(t)}</li>' for t in general)}</ul>
<h2>Tick a box after each practice</h2>
<table><tr><th></th>{chart_head}</tr>{chart_rows}</table>
<p class=small>finemotor keeps its records on this computer only. Pictures: OpenMoji
(openmoji.org), CC BY-SA 4.0.</p>
</body></html>
"""
