"""Fixtures for the whole suite: real SMTP server, stored files, logged-in clients, browser."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lpse.core.testing.smtp import SmtpSink

# Playwright's sync API runs an event loop in the test thread; the test still talks to the
# database directly, which Django would otherwise refuse from "async" context.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["lpse.core.testing.fixtures"]

# Property tests and the API fuzzer (hypothesis): the suite — and so CI — replays the same
# examples every run, so a red build means a change broke something, not that the dice
# found an old bug that day. `make fuzz` (HYPOTHESIS_PROFILE=explore) searches afresh with
# many more examples; what it finds becomes a fixed test.
from hypothesis import settings as _hypothesis  # noqa: E402

_hypothesis.register_profile("suite", derandomize=True)
_hypothesis.register_profile("explore", derandomize=False)
_hypothesis.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


# --- Mail: a real SMTP server in-process (aiosmtpd) ----------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def _smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink(port=_free_port())
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(autouse=True)
def smtp(_smtp_sink: SmtpSink, settings: Any) -> SmtpSink:
    """Every test sends mail through a real SMTP server; `smtp.messages` holds what arrived."""
    _smtp_sink.clear()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": _smtp_sink.port, "timeout": 10},
        }
    }
    return _smtp_sink


# --- Stored files in a temporary directory -------------------------------------------------


@pytest.fixture(autouse=True)
def _media_root(tmp_path_factory: pytest.TempPathFactory, settings: Any) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("files")
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    from lpse.operations.services import _invalidate_maintenance

    cache.clear()
    _invalidate_maintenance()  # also the process's own memo
    yield
    cache.clear()
    _invalidate_maintenance()


# --- Browser tests: count them, and fail a required run that skipped any --------------------


def _browser_counts(reporter: Any) -> tuple[int, int, int]:
    def browser(key: str, when: tuple[str, ...]) -> int:
        return sum(1 for r in reporter.stats.get(key, [])
                   if getattr(r, "when", "") in when and "browser" in getattr(r, "keywords", {}))

    return (browser("passed", ("call",)), browser("failed", ("setup", "call")),
            browser("skipped", ("setup", "call")))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    passed, failed, skipped = _browser_counts(terminalreporter)
    terminalreporter.write_sep("-", "browser tests (real Chromium)")
    terminalreporter.write_line(
        f"browser tests: {passed} passed, {failed} failed, {skipped} skipped"
    )
    if os.environ.get("REQUIRE_BROWSER") == "1" and (skipped or not passed):
        terminalreporter.write_line(
            "REQUIRE_BROWSER=1: browser tests were skipped or none ran — this run FAILS.",
            red=True,
        )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if os.environ.get("REQUIRE_BROWSER") == "1" and reporter is not None and exitstatus == 0:
        passed, _failed, skipped = _browser_counts(reporter)
        if skipped or not passed:
            session.exitstatus = 1
