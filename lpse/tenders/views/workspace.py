"""The tender workspace of the committee (and the PPK's award steps)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lpse.accounts.access import request_user
from lpse.accounts.roles import Perm, has_perm
from lpse.core import calendar
from lpse.core.tables import FilteredTableView
from lpse.tenders import selectors, services
from lpse.tenders.access import is_committee_member
from lpse.tenders.bidding import bid_source
from lpse.tenders.forms import (
    AnswerForm,
    ContractForm,
    DocumentForm,
    EvaluationForm,
    ObjectionAnswerForm,
    OfferForm,
    QualificationEvaluationForm,
    ReasonForm,
    ReevaluationForm,
    ScheduleForm,
    TenderSettingsForm,
    add_service_errors,
)
from lpse.tenders.models import (
    Evaluation,
    Objection,
    QualificationSubmission,
    Question,
    Tender,
    TenderDocument,
)
from lpse.tenders.schedule import default_schedule
from lpse.tenders.stages import StageCode
from lpse.tenders.tables import TenderFilter, WorkspaceTenderTable
from lpse.tenders.views.common import run_service


@method_decorator(login_required, name="dispatch")
class WorkspaceListView(FilteredTableView):
    table_class = WorkspaceTenderTable
    filterset_class = TenderFilter
    template_name = "tenders/workspace_list.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = request_user(request)
        if not any(has_perm(user, p) for p in (Perm.RUN_TENDERS, Perm.MANAGE_PACKAGES,
                                               Perm.VIEW_ALL_TENDERS, Perm.VIEW_AGENCY_TENDERS)):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Tender]:
        return selectors.tenders_visible_to(request_user(self.request)).prefetch_related(
            "stages").order_by("-created_at", "-pk")


def _tender(request: HttpRequest, pk: int) -> Tender:
    return selectors.tender_for_committee(user=request_user(request), pk=pk)


def _tender_as_member(request: HttpRequest, pk: int) -> Tender:
    """The tender, for pages only its committee uses (others who may see it get 403)."""
    tender = _tender(request, pk)
    if not is_committee_member(request_user(request), tender.committee_id):
        raise PermissionDenied
    return tender


def _tender_as_ppk(request: HttpRequest, pk: int) -> Tender:
    tender = _tender(request, pk)
    user = request_user(request)
    if not (has_perm(user, Perm.MANAGE_PACKAGES) and tender.package.ppk_id == user.pk):
        raise PermissionDenied
    return tender


def _next_document_kind(tender: Tender) -> str:
    """A prequalification's qualification documents come first; once they exist (or can no
    longer change) its selection documents."""
    if tender.is_prequalification and not tender.stage_ended(
            StageCode.QUALIFICATION_SUBMISSION) and not tender.documents.filter(
            kind=TenderDocument.Kind.QUALIFICATION).exists():
        return TenderDocument.Kind.QUALIFICATION
    return TenderDocument.Kind.SELECTION


def _stage_start(tender: Tender, code: StageCode, now: datetime) -> dict[str, Any]:
    """`open`: the stage has started; `starts_at`: when it does (None without the stage)."""
    window = tender.stage_window(code)
    return {"open": window is not None and window.starts_at <= now,
            "starts_at": window.starts_at if window else None}


def _back(tender: Tender, anchor: str = "") -> str:
    return reverse("tenders:workspace", args=[tender.pk]) + (f"#{anchor}" if anchor else "")


@login_required
def workspace(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    return render(request, "tenders/workspace.html", _workspace_context(request, tender))


def _workspace_context(request: HttpRequest, tender: Tender,
                       document_form: DocumentForm | None = None) -> dict[str, Any]:
    user = request_user(request)
    now = timezone.now()
    member = is_committee_member(user, tender.committee_id)
    is_ppk = has_perm(user, Perm.MANAGE_PACKAGES) and tender.package.ppk_id == user.pk
    participants = list(selectors.participants_of(tender))
    source = bid_source()
    offers = {r.participant_id: r for r in tender.offer_records.all()}
    evaluations = list(selectors.evaluations_of(tender))
    context: dict[str, Any] = {
        "tender": tender, "member": member, "is_ppk": is_ppk, "now": now,
        # A failed, cancelled or completed tender has no stage any more (its status says).
        "stage": tender.current_stage(now) if tender.is_running else None,
        "schedule": tender.stages.all(),
        "documents": tender.documents.select_related("file", "uploaded_by").order_by("version"),
        "document_form": document_form or DocumentForm(
            prequalification=tender.is_prequalification, kind=_next_document_kind(tender),
            addendum_kinds=services.addendum_kinds(tender)),
        "participants": participants,
        "has_clarification": tender.plan.uses(StageCode.CLARIFICATION),
        "questions": list(selectors.questions_of(tender)),
        "answer_form": AnswerForm(),
        "problems": services.publication_problems(tender) if tender.status ==
        Tender.Status.DRAFT else [],
        "open_change": selectors.open_change_request(tender),
        "manual_offers": source.manual_entry,
        "offers": [(p, offers.get(p.pk)) for p in participants],
        "offer_form": OfferForm(),
        "opening_started": tender.stage_started(StageCode.OPENING, now),
        "bids_opened": source.is_opened(tender) if tender.published_at else False,
        "show_opening": tender.status != Tender.Status.CANCELLED or (
            tender.published_at is not None and source.is_opened(tender)),
        "evaluations": evaluations,
        "objections": list(selectors.objections_of(tender)),
        "objection_answer_form": ObjectionAnswerForm(),
        "minutes": {"clarification": services.clarification_minutes_of(tender),
                    "evaluation": services.evaluation_minutes_of(tender)},
        # Only while the tender runs: an ended one has nothing left to award.
        "award_problems": services.award_problems(tender) if tender.winner_announced_at
        and tender.is_running else [],
        "clarification_ended": tender.stage_ended(StageCode.CLARIFICATION, now),
        # Stage-bound actions before their stage: shown disabled with the stage's start.
        "winner_decision": _stage_start(tender, StageCode.WINNER_DECISION, now),
        "winner_announcement": _stage_start(tender, StageCode.WINNER_ANNOUNCEMENT, now),
        # After publication the documents change only by an addendum, refused once the
        # upload has closed.
        "documents_open": tender.status == Tender.Status.DRAFT or (
            tender.is_running and not tender.stage_ended(StageCode.UPLOAD, now)),
        "award_letter": getattr(tender, "award_letter", None),
        "reevaluations": list(tender.reevaluations.select_related("replaces", "opened_by")),
        "reevaluation_form": ReevaluationForm(
            auto_id=REEVALUATION_ID, initial={"announce_at": _default_announcement(now)})
        if member and not services.reevaluation_problems(tender) else None,
        "contract": getattr(tender, "contract", None),
        # Distinct ids: the document form on the same page has a "reason" field too.
        "fail_form": ReasonForm(auto_id="fail-%s"),
        "cancel_form": ReasonForm(auto_id="cancel-%s"),
        "retender": Tender.objects.filter(previous=tender).first(),
    }
    if tender.is_prequalification and tender.published_at:
        result = services.result_of(tender)
        upheld = services.pending_revision(tender, result) if result else []
        running = tender.is_running and tender.stage_started(
            StageCode.QUALIFICATION_EVALUATION, now)
        submissions = list(selectors.qualification_submissions_of(tender))
        context["prequalification"] = {
            "submissions": submissions,
            "result": result,
            # Participants whose submission the committee may evaluate now: all before the
            # decision; afterwards those whose objection was upheld.
            "evaluable": ({s.participant_id for s in submissions}
                          if result is None else {o.participant_id for o in upheld})
            if running else set(),
            "revision": bool(upheld),
            "problems": services.result_problems(tender) if result is None or upheld else [],
        }
    return context


@login_required
def tender_settings(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender_as_member(request, pk)
    initial = {"name": tender.name, "qualification": tender.qualification,
               "file_method": tender.file_method, "evaluation_method": tender.evaluation_method,
               "technical_weight": tender.technical_weight,
               "technical_threshold": tender.technical_threshold,
               "requirements": tender.requirements}
    form = TenderSettingsForm(request.POST or None, initial=initial,
                              category_id=tender.category_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.tender_update_settings(actor=request_user(request), tender=tender,
                                            **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The method settings have been saved."))
            return redirect(_back(tender))
    return render(request, "tenders/settings.html", {"tender": tender, "form": form})


@login_required
def tender_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft: set the schedule. Published: request a change (with the mandatory reason)."""
    tender = _tender_as_member(request, pk)
    user = request_user(request)
    now = timezone.now()
    draft = tender.status == Tender.Status.DRAFT
    current = tender.schedule()
    initial = ScheduleForm.initial_from(current or default_schedule(tender.plan, now))
    form = ScheduleForm(request.POST or None, plan=tender.plan, initial=initial,
                        with_reason=not draft)
    if not draft:
        for stage, window in current.items():
            if window.ends_at <= now and f"{stage}_start" in form.fields:
                form.fields[f"{stage}_start"].disabled = True
                form.fields[f"{stage}_end"].disabled = True
            elif window.starts_at <= now and f"{stage}_start" in form.fields:
                form.fields[f"{stage}_start"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            if draft:
                services.schedule_set(actor=user, tender=tender, windows=form.windows())
                messages.success(request, _("The schedule has been saved."))
            else:
                change = services.schedule_change_request(
                    actor=user, tender=tender, windows=form.windows(),
                    reason=form.cleaned_data["reason"])
                messages.success(request, _("The schedule has been changed.") if change.status ==
                                 "applied" else _("The schedule change has been sent to the "
                                                  "application administrator."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(_back(tender, "schedule"))
    return render(request, "tenders/schedule_form.html", {
        "tender": tender, "form": form, "draft": draft,
        "open_change": selectors.open_change_request(tender),
        "history": selectors.schedule_history(tender)})


@require_POST
@login_required
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of the tender documents. Refused, the workspace is shown again with
    the form as it was sent: the title, the reason and the file (held) are kept."""
    tender = _tender(request, pk)
    user = request_user(request)
    form = DocumentForm(request.POST, request.FILES,
                        held_scope=f"tender-document:{tender.pk}:{user.pk}",
                        prequalification=tender.is_prequalification,
                        addendum_kinds=services.addendum_kinds(tender))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.document_add(
                actor=user, tender=tender, source=upload, filename=upload.name,
                title=form.cleaned_data["title"], reason=form.cleaned_data.get("reason", ""),
                kind=form.cleaned_data.get("kind", TenderDocument.Kind.SELECTION))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form.release_held()
            messages.success(request, _("The document has been uploaded."))
            return redirect(_back(tender, "documents"))
    form.hold_uploads()
    return render(request, "tenders/workspace.html",
                  _workspace_context(request, tender, document_form=form))


def _simple(service: Any, success: Any, anchor: str = "") -> Any:
    @require_POST
    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        tender = _tender(request, pk)
        return run_service(request, lambda: service(actor=request_user(request),
                                                    tender=tender),
                           str(success), _back(tender, anchor))

    return view


publish = _simple(services.tender_publish, gettext_lazy("Tender published."))
prequalification_result = _simple(services.prequalification_result_set,
                                  gettext_lazy("The prequalification result has been decided "
                                               "and announced."), "prequalification")
clarification_minutes = _simple(services.clarification_minutes_issue,
                                gettext_lazy("Clarification minutes issued."), "questions")
evaluation_start = _simple(services.evaluation_start, gettext_lazy("Evaluation started."),
                           "evaluation")
winner_set = _simple(services.tender_winner_set, gettext_lazy("Winner determined."), "evaluation")
evaluation_minutes = _simple(services.evaluation_minutes_issue, gettext_lazy("BAHP issued."),
                             "evaluation")
winner_announce = _simple(services.tender_winner_announce, gettext_lazy("Winner announced."),
                          "evaluation")
award_letter = _simple(services.award_letter_issue, gettext_lazy("SPPBJ issued."), "award")
retender = _simple(services.tender_retender, gettext_lazy("Re-tender created."))


def _reason_action(service: Any, success: Any) -> Any:
    @require_POST
    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        tender = _tender(request, pk)
        form = ReasonForm(request.POST)
        reason = form.data.get("reason", "")
        return run_service(request, lambda: service(actor=request_user(request), tender=tender,
                                                    reason=reason), str(success),
                           _back(tender))

    return view


fail = _reason_action(services.tender_fail, gettext_lazy("Tender declared failed."))
cancel = _reason_action(services.tender_cancel, gettext_lazy("Tender cancelled."))


@require_POST
@login_required
def question_answer(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    question = get_object_or_404(Question, pk=question_pk, tender=tender)
    answer = request.POST.get("answer", "")
    return run_service(request, lambda: services.question_answer(
        actor=request_user(request), question=question, answer=answer),
        _("The answer has been published to every participant."), _back(tender, "questions"))


@require_POST
@login_required
def offer_record(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    participant = get_object_or_404(tender.participants, pk=participant_pk)
    form = OfferForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the offer price in rupiah."))
        return redirect(_back(tender, "opening"))
    return run_service(request, lambda: services.offer_record(
        actor=request_user(request), tender=tender, participant=participant,
        amount=form.cleaned_data["amount"]), _("The offer has been recorded."),
        _back(tender, "opening"))


@login_required
def evaluation_edit(request: HttpRequest, pk: int, evaluation_pk: int) -> HttpResponse:
    tender = _tender_as_member(request, pk)
    evaluation = get_object_or_404(Evaluation.objects.select_related("participant__vendor"),
                                   pk=evaluation_pk, tender=tender)
    fields = ["administrative_passed", "administrative_notes", "technical_passed",
              "technical_score", "technical_notes", "corrected_price", "price_passed",
              "price_notes", "qualification_passed", "qualification_notes"]
    initial = {f: getattr(evaluation, f) for f in fields}
    for key in ("administrative_passed", "technical_passed", "price_passed",
                "qualification_passed"):
        value = initial[key]
        initial[key] = "" if value is None else ("1" if value else "0")
    if initial["corrected_price"] is None:
        initial["corrected_price"] = evaluation.offer_amount
    form = EvaluationForm(request.POST or None, initial=initial, uses_scores=tender.uses_scores)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_record(actor=request_user(request), evaluation=evaluation,
                                       **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The evaluation of %(vendor)s has been saved.")
                             % {"vendor": evaluation.participant.vendor.name})
            return redirect(_back(tender, "evaluation"))
    return render(request, "tenders/evaluation_form.html",
                  {"tender": tender, "evaluation": evaluation, "form": form})


@require_POST
@login_required
def objection_answer(request: HttpRequest, pk: int, objection_pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    objection = get_object_or_404(Objection, pk=objection_pk, tender=tender)
    form = ObjectionAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the answer and the outcome."))
        return redirect(_back(tender, "objections"))
    return run_service(request, lambda: services.objection_answer(
        actor=request_user(request), objection=objection, **form.cleaned_data),
        _("The answer has been published."), _back(tender, "objections"))


REEVALUATION_ID = "reevaluation-%s"


def _default_announcement(now: datetime) -> datetime:
    """Two working days for the re-evaluation, then the announcement at opening time."""
    opening, _closing = calendar.service_hours()
    day = calendar.add_working_days(calendar.to_wib(now).date(), 2)
    return datetime.combine(day, opening, tzinfo=calendar.WIB)


@require_POST
@login_required
def evaluation_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Refused input re-renders the workspace with the form as typed (nothing lost)."""
    tender = _tender_as_member(request, pk)
    form = ReevaluationForm(request.POST, auto_id=REEVALUATION_ID)
    if form.is_valid():
        try:
            services.evaluation_reopen(actor=request_user(request), tender=tender,
                                       **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The result has been withdrawn and the evaluation "
                                        "reopened; every participant has been told the new "
                                        "schedule."))
            return redirect(_back(tender, "evaluation"))
    context = _workspace_context(request, tender)
    context["reevaluation_form"] = form
    return render(request, "tenders/workspace.html", context, status=422)


@login_required
def contract(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender_as_ppk(request, pk)
    letter = getattr(tender, "award_letter", None)
    form = ContractForm(request.POST or None, initial={
        "value": letter.amount if letter else None, "signed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_record(actor=request_user(request), tender=tender,
                                     **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contract has been recorded; the tender is "
                                        "complete."))
            return redirect(_back(tender))
    return render(request, "tenders/contract_form.html", {"tender": tender, "form": form,
                                                          "letter": letter})



@login_required
def qualification_evaluate(request: HttpRequest, pk: int, submission_pk: int) -> HttpResponse:
    """The committee reads one vendor's qualification data and marks it qualified or not."""
    tender = _tender_as_member(request, pk)
    submission = get_object_or_404(
        QualificationSubmission.objects.select_related("participant__vendor", "file"),
        pk=submission_pk, tender=tender)
    initial = {"notes": submission.notes}
    if submission.passed is not None:
        initial["passed"] = "1" if submission.passed else "0"
    form = QualificationEvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.qualification_evaluate(actor=request_user(request), submission=submission,
                                            **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The qualification of %(vendor)s has been saved.")
                             % {"vendor": submission.participant.vendor.name})
            return redirect(_back(tender, "prequalification"))
    return render(request, "tenders/qualification_evaluate.html",
                  {"tender": tender, "submission": submission, "form": form})
