"""A vendor's side: joining with the integrity pact, the qualification data of a
prequalification, downloads, questions, objections."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lpse.accounts.access import perm_required, request_user
from lpse.accounts.roles import Perm
from lpse.core.files import file_response
from lpse.tenders import selectors, services
from lpse.tenders.access import vendor_of
from lpse.tenders.forms import (
    JoinForm,
    ObjectionForm,
    QualificationForm,
    QuestionForm,
    add_service_errors,
)
from lpse.tenders.models import Objection, QualificationSubmission
from lpse.tenders.services.common import has_objected
from lpse.tenders.stages import StageCode
from lpse.tenders.views.common import ip_of


@perm_required(Perm.PARTICIPATE_IN_TENDERS)
def join(request: HttpRequest, code: str) -> HttpResponse:
    tender = selectors.tender_public(code)
    user = request_user(request)
    vendor = vendor_of(user)
    if selectors.participant_of(user, tender) is not None:
        messages.info(request, _("Your company already takes part in this tender."))
        return redirect("tenders:public_detail", code=code)
    pact = services.integrity_pact_text(tender=tender, vendor=vendor,
                                        language=user.preferred_language)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.tender_join(actor=user, tender=tender,
                                 accept_pact=form.cleaned_data["accept_pact"],
                                 ip_address=ip_of(request))
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc if isinstance(exc, ValidationError)
                               else ValidationError(str(exc)))
        else:
            messages.success(request, _("Your company now takes part in tender %(code)s. "
                                        "The tender documents can be downloaded.")
                             % {"code": tender.code})
            return redirect("tenders:public_detail", code=code)
    return render(request, "tenders/join.html", {"tender": tender, "pact": pact,
                                                 "form": form, "vendor": vendor})


@login_required
def document_download(request: HttpRequest, code: str, version: int) -> HttpResponseBase:
    """Download one version of the tender documents; every download is logged."""
    tender = selectors.tender_public(code)
    document = get_object_or_404(tender.documents.select_related("file"), version=version)
    try:
        services.document_download_record(actor=request_user(request), document=document,
                                          ip_address=ip_of(request))
    except PermissionDenied as exc:
        raise Http404 from exc
    return file_response(document.file)


@require_POST
@perm_required(Perm.PARTICIPATE_IN_TENDERS)
def question_ask(request: HttpRequest, code: str) -> HttpResponse:
    tender = selectors.tender_public(code)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_ask(actor=request_user(request), tender=tender,
                                  text=form.cleaned_data["text"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your question has been sent to the committee. Other "
                                        "participants will not see who asked."))
    else:
        messages.error(request, _("Write your question."))
    return redirect("tenders:public_detail", code=code)


def _objection(request: HttpRequest, code: str, service: Any, back: str) -> HttpResponse:
    """File an objection with `service` (to the winner, or to the prequalification)."""
    tender = selectors.tender_public(code)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            service(actor=request_user(request), tender=tender, text=form.cleaned_data["text"])
        except (ValidationError, PermissionDenied) as exc:
            for message in (exc.messages if isinstance(exc, ValidationError) else [str(exc)]):
                messages.error(request, message)
        else:
            messages.success(request, _("Your objection has been filed. The committee answers "
                                        "it; the answer will be public."))
    else:
        messages.error(request, _("Write your objection."))
    return redirect(back, code=code)


@require_POST
@perm_required(Perm.PARTICIPATE_IN_TENDERS)
def objection_file(request: HttpRequest, code: str) -> HttpResponse:
    return _objection(request, code, services.objection_file, "tenders:public_detail")


@perm_required(Perm.PARTICIPATE_IN_TENDERS)
def my_tenders(request: HttpRequest) -> HttpResponse:
    from django.core.paginator import Paginator

    participations = selectors.participations_of(request_user(request))
    page = Paginator(participations, 25).get_page(request.GET.get("page"))
    return render(request, "tenders/my_tenders.html", {"page": page})


@perm_required(Perm.PARTICIPATE_IN_TENDERS)
def qualification(request: HttpRequest, code: str) -> HttpResponse:
    """Prequalification, the vendor's side: submit (or replace) the qualification data
    during the submission stage, see the result, object to it during its period."""
    tender = selectors.tender_public(code)
    if not tender.is_prequalification:
        raise Http404
    user = request_user(request)
    participant = selectors.participant_of(user, tender)
    if participant is None:
        messages.info(request, _("Take part in the tender first (accept the integrity pact)."))
        return redirect("tenders:public_detail", code=code)
    submission = QualificationSubmission.objects.filter(participant=participant).select_related(
        "file").first()
    now = timezone.now()
    open_for_submission = tender.is_running and tender.in_stage(
        StageCode.QUALIFICATION_SUBMISSION, now)
    form = QualificationForm(
        request.POST or None, request.FILES or None, held_scope=f"qualification:{participant.pk}",
        initial={"experience": submission.experience, "personnel": submission.personnel,
                 "equipment": submission.equipment} if submission else None)
    if request.method == "POST" and open_for_submission:
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                services.qualification_submit(
                    actor=user, tender=tender, experience=form.cleaned_data["experience"],
                    personnel=form.cleaned_data["personnel"],
                    equipment=form.cleaned_data["equipment"], source=upload,
                    filename=upload.name if upload else "")
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc if isinstance(exc, ValidationError)
                                   else ValidationError(str(exc)))
            else:
                form.release_held()
                messages.success(request, _("Your qualification data has been submitted. You "
                                            "may replace it until the deadline."))
                return redirect("tenders:qualification", code=code)
        form.hold_uploads()
    result = services.result_of(tender)
    may_object = bool(result and submission and tender.is_running
                      and tender.in_stage(StageCode.QUALIFICATION_OBJECTION, now)
                      and not has_objected(tender, participant,
                                           Objection.Phase.QUALIFICATION))
    return render(request, "tenders/qualification.html", {
        "tender": tender, "participant": participant, "submission": submission,
        "form": form if open_for_submission else None,
        "window": tender.stage_window(StageCode.QUALIFICATION_SUBMISSION),
        "result": result, "objection_form": ObjectionForm() if may_object else None,
        "objections": selectors.objections_of(tender).filter(
            participant=participant, phase=Objection.Phase.QUALIFICATION),
    })


@require_POST
@perm_required(Perm.PARTICIPATE_IN_TENDERS)
def qualification_objection(request: HttpRequest, code: str) -> HttpResponse:
    return _objection(request, code, services.prequalification_objection_file,
                      "tenders:qualification")
