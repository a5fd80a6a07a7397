"""The main navigation fits the window for every role: no horizontal scrolling, and the
account menu (with "Log out") stays on screen — also for the administrators and the LKPP
auditor, whose menus are the longest, and in English, whose labels are longer."""

from __future__ import annotations

import pytest

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.core.testing.fixtures import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1440, 1280, 1200, 1024, 390)  # 1200: the narrowest expanded menu


@pytest.mark.parametrize("role", list(Role))
def test_navbar_fits_the_window_in_both_languages(new_page, role):
    username = "lkpp.auditor" if role == Role.AUDITOR else f"{role.value}.sumedang"
    make_user(role, username=username)
    page = new_page()
    browser_login(page, username)
    for language in ("id", "en"):
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        page.goto("/dashboard/")
        page.wait_for_url("**/dashboard/")
        if page.locator("html").get_attribute("lang") != language:
            with page.expect_navigation():
                page.select_option("#lang-select", language)
        assert page.locator("html").get_attribute("lang") == language
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.goto("/dashboard/")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, (role, language, width, scroll)
            toggler = page.locator(".navbar-toggler")
            if toggler.is_visible():
                toggler.click()
                # Measure once the collapse animation is over.
                page.wait_for_selector("#nav-main.show:not(.collapsing)")
            account = page.locator("#nav-main .dropdown > .dropdown-toggle").last
            account.wait_for(state="visible")
            box = account.bounding_box()
            assert box is not None
            assert box["x"] >= 0, (role, language, width, box)
            assert box["x"] + box["width"] <= width, (role, language, width, box)
            account.click()
            logout = page.locator("#nav-main form[action$='/logout/'] button")
            logout.wait_for(state="visible")
            box = logout.bounding_box()
            assert box is not None
            assert box["x"] + box["width"] <= width, (role, language, width, box)
