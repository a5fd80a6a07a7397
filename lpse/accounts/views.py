from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lpse.accounts import services
from lpse.accounts.access import (
    PermRequiredMixin,
    is_two_factor_verified,
    perm_required,
    request_user,
)
from lpse.accounts.forms import (
    AgencyForm,
    ApiTokenForm,
    LoginForm,
    LpsePasswordChangeForm,
    LpseSetPasswordForm,
    OfficialForm,
    PasswordResetRequestForm,
    ProfileForm,
    ReasonForm,
    RolesForm,
    TwoFactorTokenForm,
    WorkUnitForm,
)
from lpse.accounts.models import Agency, User
from lpse.accounts.roles import Perm, Role, has_perm
from lpse.accounts.selectors import (
    agencies_visible_to,
    api_tokens_of,
    users_manageable_by,
    users_visible_to,
)
from lpse.accounts.tables import AgencyFilter, AgencyTable, UserFilter, UserTable
from lpse.core.forms import add_service_errors
from lpse.core.tables import FilteredTableView


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- Login, lockout, logout ----------------------------------------------------------------


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def lockout_response(request: HttpRequest, credentials: dict[str, Any] | None = None,
                     *args: Any, **kwargs: Any) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


# --- Passwords -----------------------------------------------------------------------------


def password_reset_request(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. The answer is the same whether or not the account exists."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"].strip()
        user = User.objects.filter(
            Q(username__iexact=identifier) | Q(email__iexact=identifier), is_active=True
        ).first()
        if user is not None and user.has_usable_password():
            from django.db import transaction

            with transaction.atomic():
                services.password_link_send(user=user, purpose="reset")
        messages.info(request, _(
            "If an active account matches, a link to set a new password has been sent to its "
            "e-mail address. The link can be used once."
        ))
        return redirect("accounts:login")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_set(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Set a password from a single-use link (first password or reset)."""
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is None or not user.is_active or not default_token_generator.check_token(
        user, token
    ):
        return render(request, "accounts/password_link_invalid.html", status=400)
    form = LpseSetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_set(user=user, password=form.cleaned_data["new_password1"],
                              via="link")
        messages.success(request, _("Your password has been set. You can log in now."))
        return redirect("accounts:login")
    return render(request, "accounts/password_set.html", {"form": form, "account": user})


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = LpsePasswordChangeForm(request_user(request), request.POST or None)
    if request.method == "POST" and form.is_valid():
        from django.contrib.auth import update_session_auth_hash

        user = services.password_set(user=request.user, password=form.cleaned_data[  # type: ignore[arg-type]
            "new_password1"], via="change")
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


# --- Two-factor ----------------------------------------------------------------------------


def _qr_data_uri(text: str) -> str:
    svg = segno.make(text, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    device_id = request.session.get("2fa_setup_device")
    device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if device is None or (request.method == "GET" and request.GET.get("restart")):
        device = services.totp_device_begin(user=user)
        request.session["2fa_setup_device"] = device.pk
    form = TwoFactorTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(user=user, device=device,
                                                 token=form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error("token", exc.message_dict.get("token", exc.messages))
        else:
            otp_login(request, device)
            request.session.pop("2fa_setup_device", None)
            return render(request, "accounts/backup_codes.html", {
                "codes": codes, "next": _safe_next(request, reverse("core:dashboard")),
            })
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "qr": _qr_data_uri(device.config_url),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "next": _safe_next(request, ""),
    })


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = TwoFactorTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.two_factor_verify(user=user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request, reverse("core:dashboard")))
        form.add_error("token", _("The code is not correct. Try the newest code."))
    return render(request, "accounts/two_factor_verify.html", {
        "form": form, "next": _safe_next(request, ""),
    })


@login_required
@require_POST
def backup_codes_regenerate(request: HttpRequest) -> HttpResponse:
    if not is_two_factor_verified(request.user):
        raise Http404
    codes = services.backup_codes_regenerate(user=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/backup_codes.html", {
        "codes": codes, "next": reverse("accounts:profile"),
    })


# --- Own account ---------------------------------------------------------------------------


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=user, **form.cleaned_data)
        from django.utils import translation

        messages.success(request, _("Your settings have been saved."))
        response = redirect("accounts:profile")
        response.set_cookie("lpse_language", user.preferred_language, samesite="Lax")
        translation.activate(user.preferred_language)
        return response
    return render(request, "accounts/profile.html", {
        "form": form,
        "tokens": api_tokens_of(user),
        "token_form": ApiTokenForm(),
        "sessions": user.sessions.all()[:10],
        "has_two_factor": services.has_two_factor(user),
        "current_session": request.session.session_key,
    })


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the token form."))
        return redirect("accounts:profile")
    days = form.cleaned_data["days"]
    expires = timezone.now() + timedelta(days=days) if days else None
    token, key = services.api_token_create(user=user, name=form.cleaned_data["name"],
                                           expires_at=expires)
    return render(request, "accounts/api_token_created.html", {"token": token, "key": key})


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(api_tokens_of(request.user), pk=pk)  # type: ignore[arg-type]
    services.api_token_revoke(user=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:profile")


# --- Officials (managed by the system administrator and agency administrators) ------------


class UserListView(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.VIEW_USERS
    table_class = UserTable
    filterset_class = UserFilter
    template_name = "accounts/user_list.html"

    def get_queryset(self) -> QuerySet[User]:
        return users_visible_to(self.request.user).order_by("username")  # type: ignore[arg-type]


def _can_create_officials(user: User) -> bool:
    return has_perm(user, Perm.MANAGE_LPSE_OFFICERS) or has_perm(
        user, Perm.MANAGE_AGENCY_OFFICIALS
    )


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    if not _can_create_officials(actor):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    form = OfficialForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.official_create(
                actor=actor, username=data["username"], email=data["email"],
                full_name=data["full_name"], roles=[Role(r) for r in data["roles"]],
                nip=data["nip"], position=data["position"], phone=data["phone"],
                agency=data.get("agency"), work_unit=data.get("work_unit"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _(
                "The account %(user)s has been created. A link to set the password has been "
                "e-mailed to %(email)s."
            ) % {"user": user.username, "email": user.email})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    account = get_object_or_404(users_visible_to(actor), pk=pk)
    manageable = users_manageable_by(actor).filter(pk=pk).exists()
    return render(request, "accounts/user_detail.html", {
        "account": account,
        "manageable": manageable,
        "roles_form": RolesForm(actor=actor, initial={"roles": list(account.role_set)}),
        # Two reason fields on one page: distinct ids, so each label points at its own field.
        "disable_form": ReasonForm(auto_id="disable-%s"),
        "reset_2fa_form": ReasonForm(auto_id="reset-2fa-%s"),
        "has_two_factor": services.has_two_factor(account),
        "can_reset_2fa": has_perm(actor, Perm.RESET_TWO_FACTOR),
    })


def _manageable_or_404(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(users_manageable_by(request.user), pk=pk)  # type: ignore[arg-type]


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    account = _manageable_or_404(request, pk)
    initial = {"full_name": account.full_name, "email": account.email, "nip": account.nip,
               "position": account.position, "phone": account.phone,
               "work_unit": account.work_unit}
    form = OfficialForm(request.POST or None, actor=actor, editing=account, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.official_update(
                actor=actor, user=account, full_name=data["full_name"], email=data["email"],
                nip=data["nip"], position=data["position"], phone=data["phone"],
                work_unit=data.get("work_unit"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The account has been updated."))
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": account})


@login_required
@require_POST
def user_roles(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    account = _manageable_or_404(request, pk)
    form = RolesForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            services.user_roles_set(actor=actor, user=account,
                                    roles=[Role(r) for r in form.cleaned_data["roles"]])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The roles have been updated."))
    else:
        messages.error(request, _("Choose at least one role."))
    return redirect("accounts:user_detail", pk=account.pk)


@login_required
@require_POST
def user_disable(request: HttpRequest, pk: int) -> HttpResponse:
    account = _manageable_or_404(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required to disable an account."))
        return redirect("accounts:user_detail", pk=account.pk)
    try:
        services.user_disable(actor=request.user, user=account,  # type: ignore[arg-type]
                              reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The account has been disabled and all its sessions "
                                    "have ended."))
    return redirect("accounts:user_detail", pk=account.pk)


@login_required
@require_POST
def user_enable(request: HttpRequest, pk: int) -> HttpResponse:
    account = _manageable_or_404(request, pk)
    services.user_enable(actor=request.user, user=account)  # type: ignore[arg-type]
    messages.success(request, _("The account has been enabled."))
    return redirect("accounts:user_detail", pk=account.pk)


@login_required
@require_POST
def user_resend_link(request: HttpRequest, pk: int) -> HttpResponse:
    account = _manageable_or_404(request, pk)
    from django.db import transaction

    with transaction.atomic():
        services.password_link_send(user=account, purpose="invite",
                                    actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("A new link has been e-mailed to %(email)s.")
                     % {"email": account.email})
    return redirect("accounts:user_detail", pk=account.pk)


@perm_required(Perm.RESET_TWO_FACTOR)
@require_POST
def user_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(users_visible_to(request.user), pk=pk)  # type: ignore[arg-type]
    form = ReasonForm(request.POST)
    if form.is_valid():
        services.two_factor_reset(actor=request.user, user=account,  # type: ignore[arg-type]
                                  reason=form.cleaned_data["reason"])
        messages.success(request, _("Two-factor authentication has been reset; the user "
                                    "enrols again at the next login."))
    else:
        messages.error(request, _("A reason is required."))
    return redirect("accounts:user_detail", pk=account.pk)


# --- Agencies ------------------------------------------------------------------------------


class AgencyListView(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.VIEW_USERS
    table_class = AgencyTable
    filterset_class = AgencyFilter
    template_name = "accounts/agency_list.html"

    def get_queryset(self) -> QuerySet[Agency]:
        return agencies_visible_to(self.request.user).annotate(  # type: ignore[arg-type]
            user_count=Count("users")
        ).order_by("name")


@perm_required(Perm.MANAGE_AGENCIES)
def agency_create(request: HttpRequest) -> HttpResponse:
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_create(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The agency has been created."))
            return redirect("accounts:agency_detail", pk=agency.pk)
    return render(request, "accounts/agency_form.html", {"form": form})


@login_required
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    agency = get_object_or_404(agencies_visible_to(actor), pk=pk)
    can_edit = has_perm(actor, Perm.MANAGE_AGENCIES)
    can_add_unit = can_edit or (has_perm(actor, Perm.MANAGE_AGENCY_OFFICIALS)
                                and actor.agency_id == agency.pk)
    unit_form = WorkUnitForm(request.POST or None) if can_add_unit else None
    if request.method == "POST" and unit_form is not None and unit_form.is_valid():
        try:
            services.work_unit_create(actor=actor, agency=agency, **unit_form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(unit_form, exc)
        else:
            messages.success(request, _("The work unit has been added."))
            return redirect("accounts:agency_detail", pk=agency.pk)
    officials = users_visible_to(actor).filter(agency=agency).order_by("full_name")
    return render(request, "accounts/agency_detail.html", {
        "agency": agency, "can_edit": can_edit, "unit_form": unit_form,
        "units": agency.work_units.all(), "officials": officials,
    })


@perm_required(Perm.MANAGE_AGENCIES)
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_object_or_404(Agency, pk=pk)
    form = AgencyForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "code"}
        services.agency_update(actor=request.user, agency=Agency.objects.get(pk=pk), **data)  # type: ignore[arg-type]
        messages.success(request, _("The agency has been updated."))
        return redirect("accounts:agency_detail", pk=pk)
    form.fields["code"].disabled = True
    return render(request, "accounts/agency_form.html", {"form": form, "agency": agency})
