from __future__ import annotations

from django.tasks import task

from lpse.audit.verify import chain_check_run


@task()
def chain_check() -> dict[str, object]:
    """Daily walk of the audit chain; the result is kept and shown on the audit page."""
    check = chain_check_run()
    return {"ok": check.ok, "checked": check.checked, "first_broken_seq": check.first_broken_seq}
