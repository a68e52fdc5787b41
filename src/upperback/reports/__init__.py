"""Charts and the PDF report, from plain data: no web framework, no ORM, no language of its own.

Everything public is named in `__all__`; the modules behind it are private and may change.
"""

from __future__ import annotations

from upperback.reports.charts import (
    Plot,
    as_drawing,
    as_svg,
    lines_chart,
    pain_chart,
    sessions_chart,
)
from upperback.reports.pdf import Picture, Report, Section, build_pdf

__all__ = [
    "Picture",
    "Plot",
    "Report",
    "Section",
    "as_drawing",
    "as_svg",
    "build_pdf",
    "lines_chart",
    "pain_chart",
    "sessions_chart",
]
