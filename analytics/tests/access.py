"""Who may open each page of the analytics app (checked by the URLconf walk): the outreach team
and admins only. The pages read figures and change nothing."""

from __future__ import annotations

from contributors.testing import REDIRECT, Access, team_only

ACCESS = [
    Access("analytics:dashboard", expect=team_only()),
    Access(
        "analytics:chart_csv", expect=team_only(), kwargs=lambda people: {"chart": "reach"}, answer="text/csv"
    ),
    Access("analytics:report_latest", expect=team_only(), answer=REDIRECT),
    Access("analytics:report", expect=team_only(), kwargs=lambda people: {"month": "2026-10"}),
    Access(
        "analytics:report_pdf",
        expect=team_only(),
        kwargs=lambda people: {"month": "2026-10"},
        answer="application/pdf",
    ),
]
