from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lpse.core.registry import Panel, register_panel
from lpse.opendata.models import ContractingProcess


def _open_data(request: HttpRequest) -> dict[str, Any]:
    return {"processes": ContractingProcess.objects.count()}


register_panel(Panel("opendata.public", "opendata/panels/open_data.html", _open_data,
                     public=True, weight=80))
