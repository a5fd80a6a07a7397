"""The regulation's procedures, their steps and standard times (Mutu Baku).

Source: Peraturan Bupati Sumedang No. 95/2015, Lampiran I–VI. Each `Procedure` is one flow
table ("Alur proses"); each `Step` one row, with the actor(s) the table names and the
standard time exactly as written (`standard.label`) plus its machine-readable form used to
find breaches. Steps whose standard is "not determined" or "in and out of working hours"
have no numeric limit: the report shows their real times without judging them.

Other apps measure the steps (lpse.operations.hooks.register_sop_source); the public SOP
page (SopDocument) is seeded with the metadata of each procedure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lpse.core import calendar

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

NONE, MINUTES, WORKING_DAYS, SERVICE_HOURS = "none", "minutes", "working_days", "service_hours"


@dataclass(frozen=True)
class Standard:
    """A standard time. `label` is the regulation's own wording (column "Waktu")."""

    label: str
    kind: str = NONE
    low: float = 0
    high: float = 0
    #: What the label says, for readers of other languages; generated for measurable
    #: standards when empty.
    meaning: str = ""

    @property
    def text(self) -> str:
        """The standard in the page's language: the regulation's words on Indonesian pages,
        their meaning on others (the regulation exists only in Indonesian)."""
        language = get_language() or settings.LANGUAGE_CODE
        if language.split("-")[0] == "id":
            return self.label
        return self.meaning or self._generated_meaning() or self.label

    def _generated_meaning(self) -> str:
        low, high = int(self.low), int(self.high)
        if self.kind == WORKING_DAYS:
            return "1 working day" if high == 1 else f"{high} working days"
        if self.kind == MINUTES:
            unit = "minutes"
            if low and low % 60 == 0 and high % 60 == 0:
                unit, low, high = "hours", low // 60, high // 60
            if low == high:
                return f"{high} {unit.rstrip('s')}" if high == 1 else f"{high} {unit}"
            return f"{low}–{high} {unit}"
        return ""

    @property
    def measurable(self) -> bool:
        return self.kind != NONE

    @property
    def limit(self) -> timedelta | None:
        if self.kind == MINUTES:
            return timedelta(minutes=self.high)
        return None

    def breached(self, started_at: datetime, finished_at: datetime) -> bool | None:
        """True when the case took longer than allowed; None when there is no limit."""
        if self.kind == MINUTES:
            return finished_at - started_at > timedelta(minutes=self.high)
        if self.kind == WORKING_DAYS:
            return finished_at > calendar.deadline_after_working_days(started_at, int(self.high))
        if self.kind == SERVICE_HOURS:
            return not (
                calendar.is_working_day(calendar.to_wib(started_at).date())
                and calendar.is_service_time(started_at)
            )
        return None


def minutes(label: str, low: float, high: float, meaning: str = "") -> Standard:
    return Standard(label, MINUTES, low, high, meaning)


#: Names of the steps that have no number in the regulation (5.1 monitoring, 6 backup); the
#: codes stay what sources register with (`register_sop_source("5.1", "daily", ...)`).
STEP_LABELS = {
    "daily": _("Daily"),
    "weekly": _("Weekly"),
    "resolve": _("Problem resolution"),
    "backup": _("Making the backup"),
    "offsite": _("Off-site copy"),
}

NOT_DETERMINED = Standard("Tidak ditentukan", meaning="Not determined")
NOT_TIMED = Standard("Waktu tidak ditentukan", meaning="Time not determined")
ANY_TIME = Standard("Pada jam kerja dan di luar jam kerja",
                    meaning="In and out of working hours")


@dataclass(frozen=True)
class Step:
    code: str
    description: str | _StrPromise
    actors: str
    standard: Standard
    output: str | _StrPromise = ""

    @property
    def label(self) -> str:
        """The step as shown to people: its number in the regulation's flow ("9"), or for
        the named steps of monitoring and backup a translated name ("Harian")."""
        return str(STEP_LABELS.get(self.code, self.code))


@dataclass(frozen=True)
class Procedure:
    code: str
    title: str | _StrPromise
    source: str
    steps: tuple[Step, ...]
    document_code: str

    def step(self, code: str) -> Step:
        for each in self.steps:
            if each.code == code:
                return each
        raise KeyError(f"{self.code} has no step {code}")


PROCEDURES: tuple[Procedure, ...] = (
    Procedure(
        "1.2", _("Vendor registration and document verification"), "Lampiran I 1.2",
        document_code="1.1",
        steps=(
            Step("1", _("The prospective vendor registers online on the LPSE website."),
                 "Rekanan", NOT_DETERMINED, _("A reply e-mail from LPSE reaches the company.")),
            Step("2", _("The vendor enters the company e-mail address and submits it."),
                 "Rekanan", NOT_DETERMINED, _("A reply e-mail from LPSE reaches the company.")),
            Step("3", _("The vendor receives LPSE's e-mail with the registration form link."),
                 "Rekanan", NOT_DETERMINED, _("The vendor obtains the registration form.")),
            Step("4", _("The vendor opens the link and fills in the registration form online."),
                 "Rekanan", NOT_DETERMINED, _("The registration form is complete.")),
            Step("5", _("The vendor submits the completed registration form."),
                 "Rekanan", NOT_DETERMINED, _("The registration is submitted.")),
            Step("6", _("LPSE e-mails the vendor its user ID."),
                 "Rekanan", NOT_DETERMINED, _("The vendor knows its user ID.")),
            Step("7", _("The vendor has its company documents verified by a verifier."),
                 "Rekanan", Standard("7 (tujuh) hari kerja", WORKING_DAYS, 7, 7),
                 _("The vendor knows the verification requirements.")),
            Step("8", _("The vendor brings the company documents to the verifier."),
                 "Verifikator, Rekanan",
                 Standard("Setiap hari kerja mulai jam 09.00 – 15.00 WIB", SERVICE_HOURS,
                          meaning="Every working day, 09:00–15:00 WIB"),
                 _("The documents brought are complete.")),
            Step("9", _("The verifier examines the company documents."),
                 "Verifikator, Rekanan", minutes("15 – 30 Menit", 15, 30),
                 _("The verifier marks the file complete and the account gets its password.")),
        ),
    ),
    Procedure(
        "2.2", _("Helpdesk service"), "Lampiran II 2.2", document_code="2.1",
        steps=(
            Step("1", _("The helpdesk answers confirmations and questions of vendors, agency "
                        "administrators, PPK and committees."),
                 "Helpdesk", ANY_TIME, _("The requester gets a satisfying answer.")),
            Step("2", _("The helpdesk obtains the information asked for as quickly as possible "
                        "(telephone or in person)."),
                 "Helpdesk", ANY_TIME, _("The question is clearly received.")),
            Step("3", _("The helpdesk answers online requests while online on the LPSE website."),
                 "Helpdesk", ANY_TIME, ""),
        ),
    ),
    Procedure(
        "2.4", _("Training on the SPSE application"), "Lampiran II 2.3 a", document_code="2.3",
        steps=(
            Step("1", _("The agency sends a training request letter to the head of the office."),
                 "Kabag BPTI, Ka.UPTD LPSE", ANY_TIME,
                 _("The request letter is received.")),
            Step("2", _("The helpdesk confirms with the requesting agency by telephone."),
                 "Ka.UPTD LPSE, Helpdesk", minutes("1-5 menit", 1, 5),
                 _("A training date is agreed.")),
            Step("3", _("The training is scheduled according to the request."),
                 "Ka.UPTD LPSE, Kepala Seksi Layanan Informasi, Helpdesk",
                 Standard("Segera Setelah Disposisi/ penugasan",
                          meaning="Right after the disposition or assignment"),
                 _("The training plan is scheduled.")),
            Step("4", _("The reply letter to the agency is drafted."),
                 "Ka.BPTI, Kepala LPSE, Ka.Sub Bagian Tata Usaha",
                 minutes("10 – 20 menit", 10, 20),
                 _("The reply letter.")),
            Step("5", _("The reply letter is sent to the agency."),
                 "Kasub. Bag. BPTI, Pelaksana Subbag. BPTI", minutes("1 menit", 1, 1),
                 _("The reply letter reaches the requester.")),
            Step("6", _("A trainer is assigned by an assignment letter (surat tugas)."),
                 "Ka.UPTD LPSE, Subbag. BPTI, Trainer", minutes("1 menit", 1, 1),
                 _("The trainer receives the assignment letter.")),
            Step("7", _("The trainer delivers the training (vendors: Wednesday and Thursday "
                        "09:00–13:00; agencies: Monday, Tuesday and Friday or another day "
                        "09:00–15:00)."),
                 "Trainer",
                 Standard("Rekanan: Rabu dan Kamis 09.00-13.00; Admin Agency, PPK, panitia: "
                          "Senin, Selasa, Jum'at atau hari lain 09.00-15.00",
                          meaning="Vendors: Wednesday and Thursday 09:00–13:00; agency "
                                  "administrators, PPK, committees: Monday, Tuesday, Friday "
                                  "or another day 09:00–15:00"), ""),
        ),
    ),
    Procedure(
        "3.2", _("Bid file the committee cannot open"), "Lampiran III 3.2", document_code="3.1",
        steps=(
            Step("1", _("The committee files a request with the bid file that cannot be opened."),
                 "Kepala UPTD LPSE, Koordinator/Admin PPE, Admin Sistem",
                 NOT_TIMED, _("The request is received.")),
            Step("2", _("LPSE examines the bid file."),
                 "Kepala UPTD LPSE, Koordinator/Admin PPE, Admin Sistem",
                 minutes("5-15 Menit", 5, 15),
                 _("The file is examined by the LPSE administrator.")),
            Step("3", _("The file that still cannot be opened is forwarded to LKPP."),
                 "Koordinator/Admin PPE, Admin Sistem", minutes("1-5 Menit", 1, 5),
                 _("The file is sent to LKPP.")),
        ),
    ),
    Procedure(
        "3.4", _("Change of a company's e-mail address"), "Lampiran III 3.4", document_code="3.3",
        steps=(
            Step("1", _("The vendor submits the signed statement, the director's original KTP "
                        "and the company deed through the verifier."),
                 "Kepala LPSE, Verifikator, Administrator",
                 Standard("Hari kerja", WORKING_DAYS, 1, 1), _("The statement is received.")),
            Step("2", _("The administrator receives the e-mail change statement."),
                 "Administrator sistem, Administrator aplikasi",
                 Standard("Hari kerja", WORKING_DAYS, 1, 1), _("The new e-mail address.")),
            Step("3", _("The administrator changes the company's e-mail address."),
                 "Administrator sistem, Administrator aplikasi", minutes("15-30 menit", 15, 30),
                 _("The company e-mail is changed on the LPSE server.")),
        ),
    ),
    Procedure(
        "3.6", _("Change of a procurement schedule"), "Lampiran III 3.6", document_code="3.5",
        steps=(
            Step("1", _("The committee submits the schedule change with the old and new "
                        "schedule and the reason."),
                 "Panitia/ULP", NOT_TIMED, _("The request is received.")),
            Step("2", _("The administrator receives the schedule change request."),
                 "Kepala LPSE, Administrator sistem, Administrator aplikasi",
                 Standard("Hari Kerja", WORKING_DAYS, 1, 1), ""),
            Step("3", _("The administrator applies the new schedule."),
                 "Administrator sistem, Administrator aplikasi", minutes("15-30 menit", 15, 30),
                 _("The tender schedule is changed on the LPSE server.")),
        ),
    ),
    Procedure(
        "3.7", _("Vendor cannot upload"), "Lampiran III 3.7 a", document_code="3.7",
        steps=(
            Step("1", _("The vendor reports the upload problem to the helpdesk."),
                 "Rekanan, Helpdesk",
                 NOT_TIMED,
                 _("The problem statement.")),
            Step("2", _("The administrator investigates with the system's own diagnostics."),
                 "Administrator sistem, Administrator aplikasi", minutes("15-30 menit", 15, 30),
                 _("The investigation result.")),
            Step("3", _("No fault found: the vendor is told to try the upload again."),
                 "Administrator, Rekanan", minutes("5 menit", 5, 5),
                 _("The vendor is notified to retry.")),
            Step("4", _("The case is forwarded to LKPP for investigation."),
                 "Administrator, Helpdesk LKPP", minutes("1 - 24 Jam", 60, 24 * 60),
                 _("Waiting for LKPP's result.")),
        ),
    ),
    Procedure(
        "5.1", _("Monitoring and maintenance of the SPSE infrastructure"), "Lampiran 5",
        document_code="5.1",
        steps=(
            Step("daily", _("The daily monitoring checklist is completed."),
                 "Administrator sistem", minutes("Harian (1 hari)", 0, 24 * 60, "Daily (1 day)"),
                 _("The daily checklist, with evidence.")),
            Step("weekly", _("The weekly monitoring checklist is completed."),
                 "Administrator sistem, Ahli software, Ahli database, Hardware engineer",
                 minutes("Mingguan (7 hari)", 0, 7 * 24 * 60, "Weekly (7 days)"),
                 _("The weekly checklist, with evidence.")),
            Step("resolve", _("A problem found is examined, repaired and recovered."),
                 "Administrator sistem", Standard("7 hari kerja", WORKING_DAYS, 7, 7),
                 _("The problem is resolved.")),
        ),
    ),
    Procedure(
        "6", _("Backup of system files and database"), "Pasal 14, Lampiran VI",
        document_code="6",
        steps=(
            Step("backup", _("System files and the database are backed up."),
                 "Administrator sistem", minutes("minimal 7 x 24 jam", 0, 24 * 60,
                                                 "At least 7 × 24 hours"),
                 _("A verified backup.")),
            Step("offsite", _("The backup is kept on portable media away from the server room."),
                 "Administrator sistem", NOT_DETERMINED, _("The backup is stored off-site.")),
        ),
    ),
)

PROCEDURES_BY_CODE: dict[str, Procedure] = {p.code: p for p in PROCEDURES}


def step_by_code(procedure_code: str, step_code: str) -> Step:
    return PROCEDURES_BY_CODE[procedure_code].step(step_code)
