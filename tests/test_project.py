"""Project-wide guarantees: configuration, migrations, translations, error pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("LPSE_", "DEBUG", "TEST_DATABASE", "DJANGO_"))}
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120, check=False)


def test_deploy_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env={"DEBUG": "false", "LPSE_TESTING": "false",
             "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-check-0123456789",
             "ALLOWED_HOSTS": "lpse.sumedangkab.go.id",
             "DATABASE_URL": "postgres://lpse@127.0.0.1:5432/lpse",
             "SITE_URL": "https://lpse.sumedangkab.go.id",
             "EMAIL_URL": "smtp://relay.sumedangkab.go.id:25",
             "LPSE_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_secret_key_is_required_when_debug_is_off(tmp_path: Path) -> None:
    result = _manage("check", env={"DEBUG": "false", "LPSE_TESTING": "false",
                                   "LPSE_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_site_url_default_follows_the_embedded_port(tmp_path: Path) -> None:
    # `LPSE_PORT=8002 make run`: links and the operations self-probe must reach port 8002.
    if "SITE_URL" in ((ROOT / ".env").read_text() if (ROOT / ".env").is_file() else ""):
        pytest.skip(".env sets SITE_URL")
    show = "from django.conf import settings; print(settings.SITE_URL, settings.LPSE_PORT)"
    show_args = ("shell", "--no-imports", "-c", show)
    env = {"DEBUG": "true", "LPSE_TESTING": "false", "LPSE_VAR_DIR": str(tmp_path),
           "SITE_URL": ""}
    result = _manage(*show_args, env={**env, "LPSE_PORT": "8002"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["http://127.0.0.1:8002", "8002"]
    result = _manage(*show_args, env=env)
    assert result.stdout.split() == ["http://127.0.0.1:8000", "8000"]
    result = _manage(*show_args, env={**env, "LPSE_PORT": "8002",
                                      "SITE_URL": "https://lpse.example.go.id/"})
    assert result.stdout.split() == ["https://lpse.example.go.id", "8002"]


@pytest.mark.django_db
def test_no_missing_migrations() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_default_orderings_do_not_follow_relations() -> None:
    """A model's default ordering naming a foreign key orders by the related model's own
    ordering: every query (even `.first()` on a unique key) then joins the related tables,
    recursively (a bid segment joined bid, tender, participant and tender again). Order by
    the key column (`tender_id`) instead; a deliberate join is spelled with `__`."""
    from django.apps import apps

    offenders = []
    for model in apps.get_models():
        if not model.__module__.startswith("lpse."):
            continue
        for item in model._meta.ordering:
            name = str(item).lstrip("-")
            if "__" in name:
                continue
            field = next((f for f in model._meta.get_fields() if f.name == name), None)
            if field is not None and field.is_relation:
                offenders.append(f"{model.__name__}: {item}")
    assert offenders == []


def test_every_translation_is_done_and_compiled() -> None:
    po_files = [*sorted(ROOT.glob("lpse/*/locale/id/LC_MESSAGES/django.po")),
                ROOT / "locale/id/LC_MESSAGES/django.po"]
    assert po_files
    problems = []
    for po in po_files:
        stats = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(po)],
                               capture_output=True, text=True, check=False).stderr
        if "untranslated" in stats or "fuzzy" in stats:
            problems.append(f"{po.relative_to(ROOT)}: {stats.strip()}")
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime - 1:
            problems.append(f"{mo.relative_to(ROOT)} is missing or older than its .po")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_error_pages_in_both_languages(client) -> None:
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()
    client.cookies["lpse_language"] = "en"
    assert "Page not found" in client.get("/tidak-ada/").content.decode()


@pytest.mark.django_db
def test_home_page_is_indonesian_by_default(client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="id">' in response.content.decode()
    assert response["Content-Language"] == "id"


@pytest.mark.django_db
def test_seed_demo_is_idempotent() -> None:
    from lpse.accounts.models import Agency, User
    from lpse.audit.verify import verify_chain

    call_command("seed_demo", "--quiet")
    counts = (User.objects.count(), Agency.objects.count())
    call_command("seed_demo", "--quiet")
    assert (User.objects.count(), Agency.objects.count()) == counts
    assert counts[0] >= 19
    assert verify_chain().ok


def test_no_conflicting_translations_between_apps() -> None:
    """Translations are global (the first app in INSTALLED_APPS wins): the same English text
    must not be translated differently by two apps. Use pgettext contexts to disambiguate."""
    import gettext

    seen: dict[str, tuple[str, str]] = {}
    conflicts = []
    for mo in [*sorted(ROOT.glob("lpse/*/locale/id/LC_MESSAGES/django.mo")),
               ROOT / "locale/id/LC_MESSAGES/django.mo"]:
        with mo.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        app = mo.parts[-5] if mo.parts[-5] != "locale" else "project"
        for msgid, msgstr in catalog.items():
            if not msgid or isinstance(msgid, tuple):
                continue
            if msgid in seen and seen[msgid][1] != msgstr:
                conflicts.append(f"{msgid!r}: {seen[msgid][0]}={seen[msgid][1]!r} vs "
                                 f"{app}={msgstr!r}")
            seen.setdefault(msgid, (app, msgstr))
    assert not conflicts, "\n".join(conflicts[:40])


def test_collectstatic_works_with_production_storage(tmp_path: Path) -> None:
    """The manifest storage fails on a missing file referenced by CSS/JS (e.g. a source map)."""
    result = _manage(
        "collectstatic", "--noinput",
        env={"DEBUG": "false", "LPSE_TESTING": "false", "SECRET_KEY": "s" * 60,
             "ALLOWED_HOSTS": "localhost", "STATIC_ROOT": str(tmp_path / "static"),
             "LPSE_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
