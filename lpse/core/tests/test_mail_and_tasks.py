from __future__ import annotations

import socket

import pytest
from django.core import mail as django_mail
from django.db import transaction
from django.test import override_settings

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.core import mail
from lpse.core.tasks import deliver_email

pytestmark = pytest.mark.django_db


def test_mail_is_rendered_in_the_recipients_language_and_sent_on_commit(
    smtp, django_capture_on_commit_callbacks
) -> None:
    user = make_user(Role.PPK, preferred_language="en")
    from lpse.accounts.services import password_link_send

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        password_link_send(user=user, purpose="invite")
        assert smtp.to(user.email) == []  # nothing leaves before the commit
    messages = smtp.to(user.email)
    assert len(messages) == 1
    assert "Your LPSE account" in str(messages[0]["Subject"])
    assert "/accounts/password/set/" in smtp.body(messages[0])


def test_rolled_back_transaction_sends_nothing(smtp, django_capture_on_commit_callbacks) -> None:
    user = make_user(Role.PPK)
    from lpse.accounts.services import password_link_send

    class Boom(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom), \
            transaction.atomic():
        password_link_send(user=user, purpose="invite")
        raise Boom
    assert smtp.to(user.email) == []


def test_indonesian_is_the_default_language_of_mail(
    smtp, django_capture_on_commit_callbacks
) -> None:
    user = make_user(Role.PPK)
    from lpse.accounts.services import password_link_send

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        password_link_send(user=user, purpose="reset")
    body = smtp.body(smtp.to(user.email)[0])
    assert "kata sandi" in body.lower()


def test_outbox_backend_keeps_messages_readable(tmp_path, settings, client_for) -> None:
    settings.MAILERS = {"default": {"BACKEND": mail.OUTBOX_BACKEND,
                                    "OPTIONS": {"directory": str(tmp_path)}}}
    deliver_email.call(subject="[LPSE] Uji", body="Tautan: http://127.0.0.1:8000/x",
                       to=["a@b.test"], attachments=[["a.txt", b"hello".hex(), "text/plain"]])
    found = mail.read_outbox()
    assert found[0]["subject"] == "[LPSE] Uji"
    assert found[0]["attachments"] == ["a.txt"]
    admin = make_user(Role.SYSADMIN)
    page = client_for(admin).get("/outbox/")
    assert page.status_code == 200
    assert "[LPSE] Uji" in page.content.decode()
    # The time it was sent, in WIB like everywhere else (not the raw Date header).
    from lpse.core.templatetags.lpse import wib

    assert wib(found[0]["date"]) in page.content.decode()
    assert "+0000" not in page.content.decode()
    assert client_for(make_user(Role.HELPDESK)).get("/outbox/").status_code == 403


def test_outbox_page_absent_when_real_smtp_configured(client_for) -> None:
    assert client_for(make_user(Role.SYSADMIN)).get("/outbox/").status_code == 404


def test_unreachable_mail_server_raises_so_the_task_is_retried(settings) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port,
                                                "timeout": 2}}}
    with pytest.raises(OSError, match=r"refused|Errno"):
        deliver_email.call(subject="x", body="y", to=["a@b.test"])


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                      "QUEUES": ["default", "mail"]}})
def test_database_worker_delivers_queued_mail(smtp) -> None:
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    result = deliver_email.enqueue(subject="[LPSE] antre", body="isi", to=["w@b.test"])
    assert DBTaskResult.objects.filter(id=result.id, status="READY").exists()
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay",
                 "--no-reload")
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"
    assert [str(m["Subject"]) for m in smtp.to("w@b.test")] == ["[LPSE] antre"]
    assert django_mail.outbox == []
