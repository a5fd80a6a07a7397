"""A vendor's side: joining with the integrity pact, downloads, questions, objections."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lpse.accounts.access import perm_required, request_user
from lpse.accounts.roles import Perm
from lpse.core.files import file_response
from lpse.tenders import selectors, services
from lpse.tenders.access import vendor_of
from lpse.tenders.forms import JoinForm, ObjectionForm, QuestionForm, add_service_errors
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


@require_POST
@perm_required(Perm.PARTICIPATE_IN_TENDERS)
def objection_file(request: HttpRequest, code: str) -> HttpResponse:
    tender = selectors.tender_public(code)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            services.objection_file(actor=request_user(request), tender=tender,
                                    text=form.cleaned_data["text"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your objection has been filed. The committee answers "
                                        "it; the answer will be public."))
    else:
        messages.error(request, _("Write your objection."))
    return redirect("tenders:public_detail", code=code)


@perm_required(Perm.PARTICIPATE_IN_TENDERS)
def my_tenders(request: HttpRequest) -> HttpResponse:
    from django.core.paginator import Paginator

    participations = selectors.participations_of(request_user(request))
    page = Paginator(participations, 25).get_page(request.GET.get("page"))
    return render(request, "tenders/my_tenders.html", {"page": page})
