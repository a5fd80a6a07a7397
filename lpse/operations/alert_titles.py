"""An alert's title in the reader's language.

An alert is stored with its title in the site's language (the e-mail, the API and the audit
log keep what was raised); pages and each administrator's e-mail show it again in the
reader's language, rebuilt from the alert's key. Keys this module does not know (a
maintenance window's overrun names the window's own title) keep the stored title.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from lpse.operations import monitoring, security

if TYPE_CHECKING:
    from lpse.operations.models import Alert


def title_for_key(key: str) -> str | None:
    """The title of the alert `key` in the active language, or None when not derivable."""
    source, _dot, rest = key.partition(".")
    fixed = {
        "database.hanging": _("Hanging transactions in the database"),
        "database.lock_waits": _("Sessions waiting for locks"),
        "database.connections": _("Database connections nearly exhausted"),
        "database.integrity": _("SQLite integrity check failed"),
        "health.site": _("The public site does not answer"),
    }
    if key in fixed:
        return fixed[key]
    if source == "capacity" and rest:
        return monitoring.check_label(rest)
    if source == "security" and rest in security.KINDS:
        return _("Security events: %(kind)s") % {"kind": security.KINDS[rest]}
    if source == "health" and rest:
        return _("Component down: %(name)s") % {"name": rest}
    return None


def alert_title(alert: Alert) -> str:
    return title_for_key(alert.key) or alert.title
