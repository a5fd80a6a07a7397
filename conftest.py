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

    cache.clear()
    yield
    cache.clear()


# --- Browser tests: count them, and fail a required run that skipped any --------------------


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    def browser(reports: list[Any]) -> list[Any]:
        return [r for r in reports if getattr(r, "when", "call") in ("call", "setup")
                and "browser" in getattr(r, "keywords", {})]

    passed = [r for r in browser(terminalreporter.stats.get("passed", [])) if r.when == "call"]
    failed = browser(terminalreporter.stats.get("failed", []))
    skipped = browser(terminalreporter.stats.get("skipped", []))
    terminalreporter.write_sep("-", "browser tests (real Chromium)")
    terminalreporter.write_line(
        f"browser tests: {len(passed)} passed, {len(failed)} failed, {len(skipped)} skipped"
    )
    if os.environ.get("REQUIRE_BROWSER") == "1" and (skipped or not passed):
        terminalreporter.write_line(
            "REQUIRE_BROWSER=1: browser tests were skipped or none ran — this run FAILS.",
            red=True,
        )
        config._lpse_browser_failed = True


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1" and exitstatus == 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            pytest_terminal_summary(reporter, exitstatus, session.config)
        if getattr(session.config, "_lpse_browser_failed", False):
            session.exitstatus = 1
