from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_http_methods

from lpse.accounts.access import perm_required
from lpse.accounts.roles import Perm
from lpse.audit.services import audit_record
from lpse.core import calendar, mail, registry
from lpse.core.files import file_response
from lpse.core.forms import DocumentCheckForm, HolidayForm
from lpse.core.models import Holiday, IssuedDocument, StoredFile
from lpse.core.selectors import stored_file_for_download
from lpse.core.services import holiday_create, holiday_delete


def home(request: HttpRequest) -> HttpResponse:
    today = calendar.localdate_wib()
    return render(
        request,
        "core/home.html",
        {
            "today": today,
            "is_working_day": calendar.is_working_day(today),
            "holiday_name": calendar.holiday_name(today),
            "sections": registry.panels_for(request) if request.user.is_authenticated else [],
            "public_panels": registry.public_panels(request),
        },
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "core/dashboard.html", {"panels": registry.panels_for(request)})


@login_required
def file_download(request: HttpRequest, file_id: uuid.UUID) -> HttpResponseBase:
    stored: StoredFile = stored_file_for_download(user=request.user, file_id=file_id)  # type: ignore[arg-type]
    if stored.personal_data:
        from django.db import transaction

        with transaction.atomic():
            audit_record(action="file.personal_data_viewed", actor=request.user,  # type: ignore[arg-type]
                         target=stored, data={"purpose": stored.purpose})
    return file_response(stored, inline=request.GET.get("inline") == "1")


def document_verify(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    """Public: is this official document genuine? Shows its record, never its content."""
    document = get_object_or_404(IssuedDocument.objects.select_related("file"), pk=document_id)
    result: str | None = None
    form = DocumentCheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        result = "match" if digest.hexdigest() == document.file.sha256 else "mismatch"
    return render(
        request, "core/document_verify.html",
        {"document": document, "form": form, "result": result},
    )


#: Messages per page of /outbox/.
OUTBOX_PER_PAGE = 50


@perm_required(Perm.VIEW_OUTBOX)
def outbox(request: HttpRequest) -> HttpResponse:
    if not mail.outbox_enabled():
        raise Http404
    query = request.GET.get("q", "").strip()[:200]
    paths = mail.outbox_paths(query)
    page = Paginator(paths, OUTBOX_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "core/outbox.html", {
        "messages_sent": mail.outbox_messages(list(page.object_list)), "page": page,
        "total": len(paths), "query": query,
    })


@perm_required(Perm.MANAGE_CALENDAR)
@require_http_methods(["GET", "POST"])
def holidays(request: HttpRequest) -> HttpResponse:
    year = int(request.GET.get("year") or calendar.localdate_wib().year)
    form = HolidayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            holiday_create(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(f"{request.path}?year={form.cleaned_data['date'].year}")
    national = sorted(calendar.national_holidays(year).items())
    local = Holiday.objects.filter(date__year=year)
    return render(request, "core/holidays.html", {
        "year": year, "national": national, "local": local, "form": form,
        "years": range(year - 1, year + 3),
    })


@perm_required(Perm.MANAGE_CALENDAR)
@require_http_methods(["POST"])
def holiday_remove(request: HttpRequest, pk: int) -> HttpResponse:
    holiday = get_object_or_404(Holiday, pk=pk)
    holiday_delete(actor=request.user, holiday=holiday)  # type: ignore[arg-type]
    return redirect(f"/holidays/?year={holiday.date.year}")


# --- Error pages (both languages: LocaleMiddleware has already chosen the language) ---------


def _error(request: HttpRequest, template: str, status: int,
           extra: dict[str, Any] | None = None) -> HttpResponse:
    body = loader.get_template(template).render({"request_path": request.path, **(extra or {})},
                                                request)
    return HttpResponse(body, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, "404.html", 404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the context processors: the page must not depend on the database.
    body = loader.get_template("500.html").render({"unit_name": settings.LPSE_UNIT_NAME})
    return HttpResponse(body, status=500)


def raise_error(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(_("Deliberate error to preview the error page."))

