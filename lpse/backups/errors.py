"""Failures of a backup as people read them.

A run keeps the technical error text as it was raised (English, with the exception's name:
what an operator searching the logs needs). Pages show, for the causes this app knows, a
translated explanation of what happened and what to do; the technical text stays available
beside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext as _

Explain = Callable[[re.Match[str]], str]


def _recipients(match: re.Match[str]) -> str:
    return _("No backup public key is configured. Generate a key pair with \"python manage.py "
             "backup_keygen\", keep the private key offline and put the public key (age1…) in "
             "the BACKUP_RECIPIENTS setting of the server's environment.")


def _not_mounted(match: re.Match[str]) -> str:
    return _("The backup drive %(dir)s is not mounted (BACKUP_REQUIRE_MOUNT is on): plug in "
             "and mount the backup drive.") % {"dir": match["dir"]}


def _cannot_create(match: re.Match[str]) -> str:
    return _("The backup directory %(dir)s cannot be created: check BACKUP_LOCAL_DIR and the "
             "drive.") % {"dir": match["dir"]}


def _not_writable(match: re.Match[str]) -> str:
    return _("The backup directory %(dir)s is not writable by the portal: check its "
             "permissions.") % {"dir": match["dir"]}


def _read_back(match: re.Match[str]) -> str:
    return _("The copy on %(dir)s does not read back as written: the drive may be failing. "
             "Replace it and back up again.") % {"dir": match["dir"]}


def _upload(match: re.Match[str]) -> str:
    return _("The upload to the object storage %(dest)s failed: check the BACKUP_S3_ settings "
             "and the connection.") % {"dest": match["dest"]}


def _remote_read_back(match: re.Match[str]) -> str:
    return _("The copy in the object storage %(dest)s does not read back as written.") % {
        "dest": match["dest"]}


def _interrupted(match: re.Match[str]) -> str:
    return _("Interrupted: the backup process stopped reporting progress (the server or the "
             "task worker stopped).")


def _interrupted_restore(match: re.Match[str]) -> str:
    return _("Interrupted: this run was in progress in the restored snapshot.")


def _no_space(match: re.Match[str]) -> str:
    return _("The disk is full: free space on the backup drive or the work directory "
             "(BACKUP_WORK_DIR).")


KNOWN: list[tuple[re.Pattern[str], Explain]] = [
    (re.compile(r"BACKUP_RECIPIENTS is not set"), _recipients),
    (re.compile(r"^(?P<dir>.+?) is not a mounted drive"), _not_mounted),
    (re.compile(r"Cannot create (?P<dir>.+?): "), _cannot_create),
    (re.compile(r"^(?P<dir>.+?) is not writable\."), _not_writable),
    (re.compile(r"The copy on (?P<dir>.+?) does not read back"), _read_back),
    (re.compile(r"Upload to (?P<dest>\S+) failed"), _upload),
    (re.compile(r"The copy in (?P<dest>\S+) does not read back"), _remote_read_back),
    (re.compile(r"Interrupted: the process stopped reporting progress"), _interrupted),
    (re.compile(r"Interrupted: this run was in progress in the restored snapshot"),
     _interrupted_restore),
    (re.compile(r"No space left on device|\[Errno 28\]"), _no_space),
]


#: "DestinationError: …": the exception's name the run kept in front of the message.
EXCEPTION_PREFIX = re.compile(r"^[A-Za-z_.]*(?:Error|Exception|Configured|Busy): ")


def explain_line(line: str) -> str | None:
    line = EXCEPTION_PREFIX.sub("", line.strip())
    for pattern, explain in KNOWN:
        match = pattern.search(line)
        if match is not None:
            return explain(match)
    return None


def explain(error: str) -> list[str]:
    """Translated explanations of the known causes in a stored error (one per line of it);
    empty when none is known (the page then shows the technical text only)."""
    found = [explain_line(line) for line in error.splitlines() if line.strip()]
    return list(dict.fromkeys(text for text in found if text))
