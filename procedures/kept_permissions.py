"""A signed-in person's account, permissions and groups, kept between requests.

Django's ModelBackend asks the database for them on every request (the account row, and two
queries for the permissions, ~2 ms of a clerk's procedure page). Here they are kept in the
shared `pages` cache under a generation that any change to who may do what replaces: a user, a
group or a permission saved or deleted, a membership or a grant added or taken away, a
migration.

The kept account leaves out the password hash: the person's session hash (what Django compares
with the session's, an HMAC of the hash under the secret key) is kept instead, and the password
column is deferred, read from the database by whatever asks for it. As for stored pages
(sopdesk.page_cache), the generation changes at once and again when the change commits, so a
request that read the rows as they were before it never keeps them under the new generation;
and the code's revision is part of the key, so a new deployment starts afresh. A change made
without signals (a raw SQL UPDATE, QuerySet.update on users) is not seen until the next one:
the admin and every command here save through the models.
"""

import dataclasses
import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from sopdesk import page_cache

GENERATION = "permissions:generation"
DAY = 24 * 60 * 60


@dataclasses.dataclass(frozen=True)
class KeptAccount:
    """An account row as `get_user` read it, but the password; and its session hash."""

    fields: tuple[str, ...]
    values: tuple[Any, ...]
    session_hash: str


@dataclasses.dataclass(frozen=True)
class Kept:
    user: frozenset[str]  # "app_label.codename" granted to the user directly
    group: frozenset[str]  # … through the user's groups
    groups: frozenset[str]  # the groups' names


def _cache() -> Any:
    return caches[page_cache.ALIAS]


def forget() -> None:
    page_cache.renew(GENERATION)


def kept_for(user: Any) -> Kept:
    """The user's permissions and groups: read once a request, from the cache when kept."""
    found = getattr(user, "_kept_permissions", None)
    if isinstance(found, Kept):
        return found
    key = f"permissions:{page_cache.revision()}:{page_cache.generation(GENERATION)}:{user.pk}"
    found = _cache().get(key)
    if not isinstance(found, Kept):
        found = _read(user)
        _cache().set(key, found, DAY)
    user._kept_permissions = found
    return found


def _read(user: Any) -> Kept:
    if user.is_superuser:
        everything = Permission.objects.all()
        user_perms = group_perms = everything
    else:
        user_perms = user.user_permissions.all()
        group_perms = Permission.objects.filter(group__in=user.groups.all())

    def named(perms: Any) -> frozenset[str]:
        rows = perms.values_list("content_type__app_label", "codename").order_by()
        return frozenset(f"{app}.{codename}" for app, codename in rows)

    groups = frozenset(user.groups.values_list("name", flat=True))
    return Kept(user=named(user_perms), group=named(group_perms), groups=groups)


def group_names(user: Any) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    return kept_for(user).groups


class KeptPermissionsBackend(ModelBackend):
    """ModelBackend, with what `_get_permissions` finds kept between requests.

    Listed before ModelBackend, which stays only to recognise sessions begun before this one
    was added. Its answer is final: a permission it does not find raises PermissionDenied,
    which ends Django's loop over the backends, so ModelBackend never reads the same rows again.
    """

    def get_user(self, user_id: Any) -> Any:
        """The account of a session, kept; an inactive one is never kept (nor signed in)."""
        key = _account_key(user_id)
        kept = _cache().get(key)
        if isinstance(kept, KeptAccount):
            return _account(kept)
        user = super().get_user(user_id)
        if user is not None:
            fields = tuple(f.attname for f in type(user)._meta.concrete_fields)
            shown = tuple(name for name in fields if name != "password")
            values = tuple(getattr(user, name) for name in shown)
            _cache().set(key, KeptAccount(shown, values, user.get_session_auth_hash()), DAY)
        return user

    def _get_permissions(self, user_obj: Any, obj: Any, from_name: str) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        kept = kept_for(user_obj)
        return set(kept.user if from_name == "user" else kept.group)

    def authenticate(
        self, request: Any, username: Any = None, password: Any = None, **kwargs: Any
    ) -> Any:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and username is not None and password is not None:
            raise PermissionDenied  # refused: ModelBackend must not check the password again
        return user

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return False
        if super().has_perm(user_obj, perm):
            return True
        raise PermissionDenied

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if not user_obj.is_active or user_obj.is_anonymous:
            return False
        if super().has_module_perms(user_obj, app_label):
            return True
        raise PermissionDenied


def _account_key(user_id: Any) -> str:
    # The secret key signs the kept session hash: a new key must not meet an old hash.
    secret = hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=8).hexdigest()
    generation = page_cache.generation(GENERATION)
    return f"account:{page_cache.revision()}:{generation}:{secret}:{user_id}"


def _account(kept: KeptAccount) -> Any:
    user = get_user_model().from_db(DEFAULT_DB_ALIAS, list(kept.fields), list(kept.values))

    def session_hash() -> str:
        # Until something sets the password (a change of password): then it is the new one's.
        if "password" in user.get_deferred_fields():
            return kept.session_hash
        return type(user).get_session_auth_hash(user)

    user.get_session_auth_hash = session_hash  # type: ignore[method-assign]  # this one user
    return user


def _forget(sender: Any, **kwargs: Any) -> None:
    forget()


def connect() -> None:
    """Called as the app starts (ProceduresConfig.ready), in every process that may change them."""
    user_model = get_user_model()
    for model in (user_model, Group, Permission):
        name = model.__name__
        post_save.connect(_forget, sender=model, dispatch_uid=f"kept_permissions.saved.{name}")
        post_delete.connect(_forget, sender=model, dispatch_uid=f"kept_permissions.deleted.{name}")
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            _forget, sender=through, dispatch_uid=f"kept_permissions.m2m.{through.__name__}"
        )
    post_migrate.connect(_forget, dispatch_uid="kept_permissions.migrated")
