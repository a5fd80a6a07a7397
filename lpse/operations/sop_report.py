"""The SOP service report for the head of the unit: real step times against Mutu Baku.

For every procedure of the catalogue and every step: the number of cases in the period,
the median and 90th percentile of the real time, the standard, and each case that exceeded
it. Steps nobody measures yet are reported as "not recorded", never hidden.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from lpse.core import calendar
from lpse.core.templatetags.lpse import number, wib
from lpse.operations.hooks import Period, StepCase, sop_source
from lpse.operations.sop_catalogue import PROCEDURES, Procedure, Step

if TYPE_CHECKING:
    from lpse.accounts.models import User

MAX_BREACHES_LISTED = 200

#: Column widths (points) of a procedure's table in the PDF, on A4 portrait (482 pt between
#: the margins). Each fits its header and the longest word of its cells at 8 pt plus the
#: cells' 12 pt of padding ("Penyelesaian", "Koordinator/Admin", "Pelanggaran", "belum
#: tercatat"), so no word is broken; the activity takes the rest.
STEP_TABLE_WIDTHS: list[float | None] = [66, None, 86, 60, 40, 44, 44, 58]


def period_for(start: date, end: date) -> Period:
    """[start 00:00 WIB, day after end 00:00 WIB)."""
    return Period(start=datetime.combine(start, time.min, tzinfo=calendar.WIB),
                  end=datetime.combine(end + timedelta(days=1), time.min, tzinfo=calendar.WIB))


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolation percentile (as numpy's default), q in [0, 100]."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def format_duration(minutes: float | None) -> str:
    """A duration in the active language: 12,5 mnt, 3,2 jam, 8,0 hari (Indonesian)."""
    if minutes is None:
        return "-"
    if minutes < 60:
        return _("%(m)s min") % {"m": number(minutes, 1)}
    if minutes < 48 * 60:
        return _("%(h)s h") % {"h": number(minutes / 60, 1)}
    return _("%(d)s days") % {"d": number(minutes / 1440, 1)}


@dataclass
class StepRow:
    procedure: Procedure
    step: Step
    recorded: bool
    cases: int = 0
    median_minutes: float | None = None
    p90_minutes: float | None = None
    breaches: list[StepCase] = field(default_factory=list)
    error: str = ""

    @property
    def breach_count(self) -> int:
        return len(self.breaches)


@dataclass
class SopReport:
    period: Period
    start: date
    end: date
    rows: list[StepRow]

    def hide_links_for(self, user: User) -> SopReport:
        """Drop the links of the cases `user` may not open (their `perm`), keeping the rest."""
        from lpse.accounts.roles import PERMS_BY_NAME, has_perm

        def allowed(case: StepCase) -> bool:
            perm = PERMS_BY_NAME.get(case.perm) if case.perm else None
            return not case.perm or (perm is not None and has_perm(user, perm))

        for row in self.rows:
            row.breaches = [case if not case.url or allowed(case) else replace(case, url="")
                            for case in row.breaches]
        return self

    @property
    def breaches(self) -> list[tuple[StepRow, StepCase]]:
        return [(row, case) for row in self.rows for case in row.breaches]

    def procedures(self) -> list[dict[str, Any]]:
        grouped: list[dict[str, Any]] = []
        for procedure in PROCEDURES:
            rows = [r for r in self.rows if r.procedure.code == procedure.code]
            grouped.append({
                "procedure": procedure, "rows": rows,
                "recorded": any(r.recorded for r in rows),
                "cases": sum(r.cases for r in rows),
                "breaches": sum(r.breach_count for r in rows),
            })
        return grouped


def _minutes(case: StepCase) -> float:
    return max(0.0, (case.finished_at - case.started_at).total_seconds() / 60)


def build_report(start: date, end: date) -> SopReport:
    period = period_for(start, end)
    rows: list[StepRow] = []
    for procedure in PROCEDURES:
        for step in procedure.steps:
            source = sop_source(procedure.code, step.code)
            if source is None:
                rows.append(StepRow(procedure, step, recorded=False))
                continue
            row = StepRow(procedure, step, recorded=True)
            try:
                cases = [c for c in source(period)
                         if period.start <= c.finished_at < period.end]
            except Exception as exc:  # noqa: BLE001 - one broken source must not hide the rest
                row.error = str(exc)[:200]
                rows.append(row)
                continue
            durations = [_minutes(c) for c in cases]
            row.cases = len(cases)
            if durations:
                row.median_minutes = percentile(durations, 50)
                row.p90_minutes = percentile(durations, 90)
            row.breaches = sorted(
                (c for c in cases if step.standard.breached(c.started_at, c.finished_at)),
                key=lambda c: c.finished_at,
            )
            rows.append(row)
    return SopReport(period=period, start=start, end=end, rows=rows)


def _standard_cell(step: Step) -> str:
    return step.standard.label


def report_csv(report: SopReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["period_start", "period_end", "procedure", "procedure_title", "step",
                     "step_description", "standard", "recorded", "cases", "median_minutes",
                     "p90_minutes", "breaches"])
    for row in report.rows:
        writer.writerow([
            report.start.isoformat(), report.end.isoformat(), row.procedure.code,
            str(row.procedure.title), row.step.code, str(row.step.description),
            _standard_cell(row.step), "yes" if row.recorded else "not recorded",
            row.cases if row.recorded else "",
            "" if row.median_minutes is None else f"{row.median_minutes:.1f}",
            "" if row.p90_minutes is None else f"{row.p90_minutes:.1f}",
            row.breach_count if row.recorded else "",
        ])
    writer.writerow([])
    writer.writerow(["breach", "procedure", "step", "reference", "started_at", "finished_at",
                     "minutes", "standard", "actor", "url"])
    for row, case in report.breaches:
        writer.writerow(["breach", row.procedure.code, row.step.code, case.reference,
                         case.started_at.isoformat(), case.finished_at.isoformat(),
                         f"{_minutes(case):.1f}", _standard_cell(row.step), case.actor,
                         case.url])
    return buffer.getvalue()


def report_pdf(report: SopReport, *, prepared_by: str = "") -> bytes:
    from lpse.core.pdf import PdfDocument, format_date_id

    doc = PdfDocument(
        title=_("SOP service report"),
        subtitle=_("Period %(start)s – %(end)s") % {
            "start": format_date_id(report.start), "end": format_date_id(report.end)},
    )
    doc.paragraph(_("Real time of each step of the unit's procedures (Peraturan Bupati Sumedang "
                    "No. 95/2015) against its standard time (Mutu Baku). Median and 90th "
                    "percentile of the real time; a breach is a case that took longer than "
                    "the standard allows."))
    for group in report.procedures():
        procedure = group["procedure"]
        doc.section(f"{procedure.code} {procedure.title} ({procedure.source})")
        rows = []
        for row in group["rows"]:
            cells = [row.step.label, str(row.step.description), row.step.actors,
                     _standard_cell(row.step)]
            if not row.recorded:
                rows.append([*cells, _("not recorded"), "", "", ""])
                continue
            rows.append([
                *cells, str(row.cases), format_duration(row.median_minutes),
                format_duration(row.p90_minutes),
                str(row.breach_count) if row.step.standard.measurable else "-",
            ])
        doc.table([_("Step"), _("Activity"), _("Actor"), _("Mutu Baku"), _("Cases"),
                   _("Median"), _("90th percentile"), _("Breaches")], rows,
                  col_widths=STEP_TABLE_WIDTHS)
    breaches = report.breaches
    doc.section(_("Breaches"))
    if not breaches:
        doc.paragraph(_("No breach of a standard time in this period."))
    else:
        doc.table(
            [_("Procedure"), _("Reference"), _("Finished (WIB)"), _("Real time"),
             _("Mutu Baku"), _("Actor")],
            [[f"{row.procedure.code} / {row.step.label}", case.reference,
              wib(case.finished_at),
              format_duration(_minutes(case)), _standard_cell(row.step), case.actor]
             for row, case in breaches[:MAX_BREACHES_LISTED]],
        )
        if len(breaches) > MAX_BREACHES_LISTED:
            doc.paragraph(_("%(more)s further breaches are listed in the CSV export.") % {
                "more": len(breaches) - MAX_BREACHES_LISTED})
    if prepared_by:
        doc.paragraph(_("Prepared by %(name)s.") % {"name": prepared_by})
    return doc.render()
