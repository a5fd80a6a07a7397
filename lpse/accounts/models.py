from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from lpse.accounts.roles import OFFICIAL_ROLES, Role
from lpse.accounts.validators import validate_nip
from lpse.core.models import TimeStampedModel

__all__ = ["Agency", "ApiToken", "RoleAssignment", "User", "UserSession", "WorkUnit"]


class Agency(TimeStampedModel):
    """A government agency (instansi / SKPD / perangkat daerah)."""

    class Kind(models.TextChoices):
        SECRETARIAT = "sekretariat", _("Secretariat")
        OFFICE = "dinas", _("Office (dinas)")
        BOARD = "badan", _("Board (badan)")
        INSPECTORATE = "inspektorat", _("Inspectorate")
        HOSPITAL = "rsud", _("Regional hospital")
        DISTRICT = "kecamatan", _("District (kecamatan)")
        OTHER = "lainnya", _("Other")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OFFICE)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class WorkUnit(TimeStampedModel):
    """A work unit (satuan kerja, satker) of an agency."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="work_units", verbose_name=_("agency")
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="work_unit_code_per_agency")
        ]
        verbose_name = _("work unit")
        verbose_name_plural = _("work units")

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.code})"


class LpseUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username__iexact=username)


#: Honorifics and titles written before a name in Indonesia (compared without dots, in lower
#: case): Haji/Hajjah, academic titles (Drs., Dra., Dr., dr., drg., Ir., Prof.), religious
#: and forms of address (K.H., Ustadz, Bapak, Ibu, Sdr., Tn., Ny., …). Any other abbreviation
#: ending with a dot ("Moh.", "M.") and single letters are skipped too.
NAME_PREFIXES = frozenset({
    "h", "hj", "hjh", "haji", "hajjah", "drs", "dra", "dr", "drg", "ir", "prof", "kh", "kyai",
    "ust", "ustadz", "ustadzah", "habib", "bapak", "bpk", "pak", "ibu", "bu", "sdr", "sdri",
    "sdra", "tn", "ny", "nn", "raden", "rd", "apt", "ns", "mr", "mrs", "ms",
})


def first_name_of(full_name: str) -> str:
    """The first name in an Indonesian full name, skipping the titles before it and the
    degrees after the first comma: "Dr. Ir. H. Asep Suryana, M.T." → "Asep"; "" if none."""
    name = full_name.split(",", 1)[0]
    for word in name.replace(".", ". ").split():
        bare = word.strip(".").lower()
        if word.endswith(".") or len(bare) <= 1 or bare in NAME_PREFIXES:
            continue
        return word.strip("'\"()")
    return ""


class User(AbstractUser):
    """Every person who logs in: LPSE officers, agency officials, vendor users, auditors.

    `username` is the user ID (unique, case-insensitive); e-mail is unique too.
    """

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    nip = models.CharField(
        _("NIP"), max_length=18, blank=True, validators=[validate_nip],
        help_text=_("Civil-servant number, 18 digits (officials only)."),
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name=_("agency"),
    )
    work_unit = models.ForeignKey(
        WorkUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name=_("work unit"),
    )
    preferred_language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="id"
    )
    created_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    disabled_reason = models.CharField(_("reason for disabling"), max_length=300, blank=True)

    objects: ClassVar[LpseUserManager] = LpseUserManager()  # type: ignore[assignment]

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.UniqueConstraint(
                fields=["nip"], condition=~models.Q(nip=""), name="user_nip_unique"
            ),
        ]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})" if self.full_name else self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        """How to greet the user: the first name, without honorifics or academic titles
        ("Drs. H. Asep Suryana, M.Si." → "Asep"); the user ID when the name has none."""
        return first_name_of(self.full_name) or self.username

    @cached_property
    def role_set(self) -> frozenset[Role]:
        return frozenset(Role(r) for r in self.role_assignments.values_list("role", flat=True))

    def has_role(self, role: Role) -> bool:
        return self.is_active and role in self.role_set

    @property
    def is_official(self) -> bool:
        return bool(self.role_set & OFFICIAL_ROLES)

    @property
    def is_vendor_user(self) -> bool:
        return Role.VENDOR in self.role_set


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_once_per_user")]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class UserSession(models.Model):
    """A login session, so that disabling a user can end all of their sessions at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_key[:6]}…"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    PREFIX = "lpse_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def generate() -> str:
        return ApiToken.PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )
