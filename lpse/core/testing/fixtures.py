"""Pytest fixtures shared by every app's tests (loaded from the root conftest)."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from lpse.accounts.models import User
from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import TEST_PASSWORD, make_user

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which(
    "chromium-browser"
)


def login(client: Client, user: User) -> Client:
    """Log `client` in as `user`, with two-factor already passed for officials."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def user_factory(db: None) -> Callable[..., User]:
    return make_user


@pytest.fixture
def client_for(db: None) -> Callable[[User | None], Client]:
    """`client_for(user)`: a test client logged in as `user` (None: anonymous)."""

    def make(user: User | None) -> Client:
        client = Client()
        return login(client, user) if user is not None else client

    return make


@pytest.fixture
def users_by_role(db: None) -> dict[Role, User]:
    """One user per role; agency officials share one agency."""
    from lpse.accounts.tests.factories import AgencyFactory

    agency = AgencyFactory(code="MATRIX", name="Dinas Matriks")
    return {role: make_user(role, agency=agency if role in _agency_roles() else None)
            for role in Role}


def _agency_roles() -> frozenset[Role]:
    from lpse.accounts.roles import AGENCY_ROLES

    return AGENCY_ROLES


@pytest.fixture
def sysadmin(db: None) -> User:
    return make_user(Role.SYSADMIN)


# --- Browser (Playwright driving Debian's Chromium) ----------------------------------------


@pytest.fixture(scope="session")
def _browser() -> Iterator[Any]:
    if not CHROMIUM:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (REQUIRE_BROWSER=1) but was not found.")
        pytest.skip("Chromium not installed: browser tests skipped (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_site(live_server: Any, settings: Any) -> Any:
    """The live server, with e-mailed links pointing at it."""
    settings.SITE_URL = live_server.url
    settings.ALLOWED_HOSTS = ["*"]
    return live_server


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def new_page(_browser: Any, live_site: Any,
             request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """`new_page(locale="id")`: a fresh browser context (own cookies) and page.

    When the test fails, each page's screenshot and HTML are kept under
    var/test-artifacts/<test name>/ for diagnosis.
    """
    contexts: list[Any] = []
    pages: list[Any] = []

    def make(locale: str = "id-ID") -> Any:
        context = _browser.new_context(locale=locale, base_url=live_site.url,
                                       timezone_id="Asia/Jakarta")
        context.set_default_timeout(15_000)
        contexts.append(context)
        new = context.new_page()
        pages.append(new)
        return new

    yield make
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        from django.conf import settings

        folder = settings.VAR_DIR / "test-artifacts" / request.node.name
        folder.mkdir(parents=True, exist_ok=True)
        for index, each in enumerate(pages):
            # Diagnostics must never mask the test's own failure.
            with contextlib.suppress(Exception):
                each.screenshot(path=str(folder / f"page{index}.png"), full_page=True)
                (folder / f"page{index}.html").write_text(each.content())
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()


def browser_login(page: Any, username: str, password: str = TEST_PASSWORD) -> None:
    """Log in through the login form, passing two-factor with the user's TOTP device."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.goto("/accounts/login/")
    page.get_by_label("ID Pengguna atau e-mail").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    if "/accounts/2fa/verify/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("Kode").fill(
            f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
        )
        page.get_by_role("button", name="Verifikasi").click()
        page.wait_for_load_state()


__all__ = ["TEST_PASSWORD", "browser_login", "login"]
