"""Every write of the catalog: master data, news, price index, goods catalogue.

Each service checks the actor's permission, validates with `full_clean()`, saves, appends a
change version (lpse.catalog.versions) and an audit event, all in one transaction. Codes of
master data never change after creation; an entry in use is deactivated, never deleted.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lpse.accounts.models import User
from lpse.accounts.roles import Perm, has_perm
from lpse.audit.services import audit_record
from lpse.catalog.models import (
    CatalogueItem,
    ChangeVersion,
    GoodsCategory,
    MasterData,
    NewsArticle,
    PriceIndexEntry,
)
from lpse.catalog.versions import snapshot, version_record

#: Slugs that would clash with the news URLs.
RESERVED_SLUGS = frozenset({"feed", "new"})


def master_perm(model: type[models.Model]) -> Perm:
    """Goods categories belong to the portal content; the rest to procurement master data."""
    return Perm.MANAGE_CONTENT if model is GoodsCategory else Perm.MANAGE_MASTER_DATA


def _require(actor: User, perm: Perm) -> None:
    if not has_perm(actor, perm):
        raise PermissionDenied(perm.value)


def _action_name(obj: models.Model, verb: str) -> str:
    return f"catalog.{obj._meta.model_name}.{verb}"


def _assign(obj: models.Model, data: Mapping[str, Any]) -> dict[str, Any]:
    """Set plain fields on `obj`; return the many-to-many values to set after saving."""
    m2m: dict[str, Any] = {}
    for name, value in data.items():
        field = obj._meta.get_field(name)
        if field.many_to_many:
            m2m[name] = value
        else:
            setattr(obj, name, value)
    return m2m


def _save_new(obj: models.Model, data: Mapping[str, Any]) -> None:
    m2m = _assign(obj, data)
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        # Two administrators creating the same code at once: the database decides.
        raise ValidationError(_("An entry with these values already exists.")) from exc
    for name, value in m2m.items():
        getattr(obj, name).set(value)


def _lock[T: models.Model](obj: T) -> T:
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def _record(obj: models.Model, *, actor: User, action: ChangeVersion.Action,
            before: dict[str, Any] | None, verb: str) -> None:
    version = version_record(obj=obj, actor=actor, action=action, before=before)
    audit_record(action=_action_name(obj, verb), actor=actor, target=obj,
                 data={"version": version.version, "changes": version.changes})


def _update(obj: models.Model, *, actor: User, data: Mapping[str, Any],
            immutable: tuple[str, ...] = ()) -> models.Model:
    locked = _lock(obj)
    for name in immutable:
        if name in data and data[name] != getattr(locked, name):
            raise ValidationError({name: _("This value cannot be changed.")})
    before = snapshot(locked)
    m2m = _assign(locked, {k: v for k, v in data.items() if k not in immutable})
    locked.full_clean()
    locked.save()
    for name, value in m2m.items():
        getattr(locked, name).set(value)
    if snapshot(locked) != before:
        _record(locked, actor=actor, action=ChangeVersion.Action.UPDATED, before=before,
                verb="updated")
    return locked


def _set_active(obj: models.Model, *, actor: User, active: bool) -> models.Model:
    locked = _lock(obj)
    if locked.is_active == active:  # type: ignore[attr-defined]
        return locked
    before = snapshot(locked)
    locked.is_active = active  # type: ignore[attr-defined]
    locked.save(update_fields=["is_active", "updated_at"])
    action = ChangeVersion.Action.ACTIVATED if active else ChangeVersion.Action.DEACTIVATED
    _record(locked, actor=actor, action=action, before=before, verb=action.value)
    return locked


# --- Master data (categories, methods, business fields, funding sources, goods categories) --

def master_create[M: MasterData](*, actor: User, model: type[M], data: Mapping[str, Any]) -> M:
    _require(actor, master_perm(model))
    with transaction.atomic():
        obj = model()
        _save_new(obj, data)
        _record(obj, actor=actor, action=ChangeVersion.Action.CREATED, before=None,
                verb="created")
    return obj


def master_update[M: MasterData](*, actor: User, obj: M, data: Mapping[str, Any]) -> M:
    _require(actor, master_perm(type(obj)))
    with transaction.atomic():
        return _update(obj, actor=actor, data=data, immutable=("code",))  # type: ignore[return-value]


def master_set_active[M: MasterData](*, actor: User, obj: M, active: bool) -> M:
    _require(actor, master_perm(type(obj)))
    with transaction.atomic():
        return _set_active(obj, actor=actor, active=active)  # type: ignore[return-value]


def master_in_use(obj: MasterData) -> bool:
    """True when any record (of any module) refers to `obj`."""
    for relation in obj._meta.related_objects:
        related = relation.related_model
        if related._default_manager.filter(**{relation.field.name: obj}).exists():
            return True
    return False


def master_delete(*, actor: User, obj: MasterData) -> None:
    """Delete an entry nothing refers to (a mistake just made); otherwise deactivate it."""
    _require(actor, master_perm(type(obj)))
    with transaction.atomic():
        locked = _lock(obj)
        if master_in_use(locked):
            raise ValidationError(
                _("This entry is in use and cannot be deleted; deactivate it instead.")
            )
        before = snapshot(locked)
        _record(locked, actor=actor, action=ChangeVersion.Action.DELETED, before=before,
                verb="deleted")
        try:
            with transaction.atomic():
                locked.delete()
        except (models.ProtectedError, models.RestrictedError) as exc:
            raise ValidationError(
                _("This entry is in use and cannot be deleted; deactivate it instead.")
            ) from exc


# --- News ----------------------------------------------------------------------------------

def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200] or "berita"
    if base in RESERVED_SLUGS:
        base = f"{base}-berita"
    slug, n = base, 2
    taken = NewsArticle.objects.all()
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_slug(slug: str) -> None:
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This address is reserved; choose another.")})


def news_create(*, actor: User, title: str, body: str, summary: str = "",
                slug: str = "") -> NewsArticle:
    """A draft news article; it becomes public only when published."""
    _require(actor, Perm.MANAGE_CONTENT)
    with transaction.atomic():
        if slug:
            _check_slug(slug)
        article = NewsArticle(author=actor)
        _save_new(article, {"title": title, "body": body, "summary": summary,
                            "slug": slug or _unique_slug(title)})
        _record(article, actor=actor, action=ChangeVersion.Action.CREATED, before=None,
                verb="created")
    return article


def news_update(*, actor: User, article: NewsArticle, title: str, body: str,
                summary: str = "", slug: str = "") -> NewsArticle:
    _require(actor, Perm.MANAGE_CONTENT)
    with transaction.atomic():
        if slug:
            _check_slug(slug)
        data = {"title": title, "body": body, "summary": summary,
                "slug": slug or _unique_slug(title, exclude_pk=article.pk)}
        return _update(article, actor=actor, data=data)  # type: ignore[return-value]


def news_publish(*, actor: User, article: NewsArticle,
                 at: datetime.datetime | None = None) -> NewsArticle:
    """Publish now, or at `at` (a future time: the article appears then)."""
    _require(actor, Perm.MANAGE_CONTENT)
    with transaction.atomic():
        locked = _lock(article)
        if locked.is_published:
            raise ValidationError(_("This article is already published."))
        before = snapshot(locked)
        locked.status = NewsArticle.Status.PUBLISHED
        locked.published_at = at or timezone.now()
        locked.full_clean()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        _record(locked, actor=actor, action=ChangeVersion.Action.PUBLISHED, before=before,
                verb="published")
    return locked


def news_unpublish(*, actor: User, article: NewsArticle) -> NewsArticle:
    """Withdraw a published article from the public pages (it stays as a draft)."""
    _require(actor, Perm.MANAGE_CONTENT)
    with transaction.atomic():
        locked = _lock(article)
        if not locked.is_published:
            raise ValidationError(_("This article is not published."))
        before = snapshot(locked)
        locked.status = NewsArticle.Status.DRAFT
        locked.save(update_fields=["status", "updated_at"])
        _record(locked, actor=actor, action=ChangeVersion.Action.UNPUBLISHED, before=before,
                verb="unpublished")
    return locked


# --- Price index ---------------------------------------------------------------------------

def price_index_create(*, actor: User, data: Mapping[str, Any]) -> PriceIndexEntry:
    _require(actor, Perm.MANAGE_CONTENT)
    with transaction.atomic():
        entry = PriceIndexEntry()
        _save_new(entry, data)
        _record(entry, actor=actor, action=ChangeVersion.Action.CREATED, before=None,
                verb="created")
    return entry


def price_index_update(*, actor: User, entry: PriceIndexEntry,
                       data: Mapping[str, Any]) -> PriceIndexEntry:
    _require(actor, Perm.MANAGE_CONTENT)
    with transaction.atomic():
        return _update(entry, actor=actor, data=data)  # type: ignore[return-value]


def price_index_set_active(*, actor: User, entry: PriceIndexEntry,
                           active: bool) -> PriceIndexEntry:
    _require(actor, Perm.MANAGE_CONTENT)
    with transaction.atomic():
        return _set_active(entry, actor=actor, active=active)  # type: ignore[return-value]


# --- Goods catalogue -----------------------------------------------------------------------

def catalogue_item_create(*, actor: User, data: Mapping[str, Any]) -> CatalogueItem:
    _require(actor, Perm.MANAGE_CONTENT)
    with transaction.atomic():
        item = CatalogueItem()
        _save_new(item, data)
        _record(item, actor=actor, action=ChangeVersion.Action.CREATED, before=None,
                verb="created")
    return item


def catalogue_item_update(*, actor: User, item: CatalogueItem,
                          data: Mapping[str, Any]) -> CatalogueItem:
    _require(actor, Perm.MANAGE_CONTENT)
    with transaction.atomic():
        return _update(item, actor=actor, data=data,  # type: ignore[return-value]
                       immutable=("code",))


def catalogue_item_set_active(*, actor: User, item: CatalogueItem,
                              active: bool) -> CatalogueItem:
    _require(actor, Perm.MANAGE_CONTENT)
    with transaction.atomic():
        return _set_active(item, actor=actor, active=active)  # type: ignore[return-value]
