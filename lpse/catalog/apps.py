from __future__ import annotations

import importlib
from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_master_data(
    app_config: AppConfig, using: str = DEFAULT_DB_ALIAS, apps: Any = global_apps, **kwargs: Any
) -> None:
    """Put the standard master data back into an emptied database (after `flush`).

    Migration 0002 seeds it once; `flush` (also run after every transactional test) empties
    the tables and emits post_migrate, so other modules can always rely on the seeded codes.
    A database that already has procurement categories is left untouched: administrators'
    changes are never overwritten.
    """
    try:
        category = apps.get_model("catalog", "ProcurementCategory")
    except LookupError:  # catalog not migrated (yet) in this state
        return
    if category._default_manager.using(using).exists():
        return
    seed = importlib.import_module("lpse.catalog.migrations.0002_seed_master_data").seed
    seed(apps, None)


class CatalogConfig(AppConfig):
    name = "lpse.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        post_migrate.connect(ensure_master_data, sender=self,
                             dispatch_uid="catalog.ensure_master_data")
