"""Who may do what, kept between requests, and never a moment longer than it is true."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procedures import kept_permissions
from procedures.roles import EDITORS, VIEW_INTERNAL, WINDOW_STAFF, can_edit, sees_internal_notes
from sopdesk import page_cache
from tests.factories import make_published, make_user
from training.roles import is_staff_member

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as the next request loads it: nothing remembered on the object."""
    return get_user_model().objects.get(pk=user.pk)


def permission_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "auth_permission" in q["sql"] or "auth_group" in q["sql"]]


def test_a_clerks_next_page_reads_no_permissions(client):
    version = make_published()
    client.force_login(make_user("window", WINDOW_STAFF))
    url = reverse("procedures:detail", args=[version.procedure.slug])
    assert "核对户籍地" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "核对户籍地" in page
    assert permission_queries(queries.captured_queries) == []


def test_leaving_a_group_takes_its_rights_away_at_the_next_request():
    clerk = make_user("window", WINDOW_STAFF)
    assert sees_internal_notes(fresh(clerk)) and is_staff_member(fresh(clerk))
    clerk.groups.remove(Group.objects.get(name=WINDOW_STAFF))
    assert not sees_internal_notes(fresh(clerk))
    assert not is_staff_member(fresh(clerk))


def test_joining_a_group_gives_its_rights_at_the_next_request():
    clerk = make_user("window", WINDOW_STAFF)
    assert not can_edit(fresh(clerk))
    clerk.groups.add(Group.objects.get(name=EDITORS))
    assert can_edit(fresh(clerk))


def test_a_permission_taken_from_the_group_is_gone_at_the_next_request():
    clerk = make_user("window", WINDOW_STAFF)
    assert sees_internal_notes(fresh(clerk))
    app_label, codename = VIEW_INTERNAL.split(".")
    grant = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    Group.objects.get(name=WINDOW_STAFF).permissions.remove(grant)
    assert not sees_internal_notes(fresh(clerk))
    clerk.user_permissions.add(grant)
    assert sees_internal_notes(fresh(clerk))


def test_a_deactivated_or_promoted_account_is_seen_as_it_is_now():
    clerk = make_user("window", WINDOW_STAFF)
    assert not can_edit(fresh(clerk))
    clerk.is_superuser = True
    clerk.save()
    assert can_edit(fresh(clerk))
    clerk.is_superuser, clerk.is_active = False, False
    clerk.save()
    assert not sees_internal_notes(fresh(clerk))


def test_what_was_read_during_a_change_is_not_kept_past_its_commit(
    django_capture_on_commit_callbacks,
):
    """A request that read the rows before a change committed keeps them under the generation
    the change began; the commit moves to another."""
    clerk = make_user("window", WINDOW_STAFF)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        clerk.groups.remove(Group.objects.get(name=WINDOW_STAFF))
        during = page_cache.generation(kept_permissions.GENERATION)
    assert page_cache.generation(kept_permissions.GENERATION) != during


def test_a_new_deployment_reads_them_afresh(monkeypatch):
    clerk = make_user("window", WINDOW_STAFF)
    kept_permissions.kept_for(fresh(clerk))
    monkeypatch.setattr(page_cache, "revision", lambda: "next-release")
    with CaptureQueriesContext(connection) as queries:
        kept_permissions.kept_for(fresh(clerk))
    assert permission_queries(queries.captured_queries) != []


def test_a_session_begun_before_the_kept_permissions_still_works(client):
    version = make_published()
    clerk = make_user("window", WINDOW_STAFF)
    client.force_login(clerk, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("procedures:detail", args=[version.procedure.slug]))
    assert "核对户籍地" in page.content.decode()


def test_a_refusal_is_final_and_other_backends_are_not_asked(django_assert_num_queries):
    clerk = fresh(make_user("window", WINDOW_STAFF))
    kept_permissions.kept_for(clerk)
    with django_assert_num_queries(0):
        assert not clerk.has_perm("procedures.publish_procedureversion")
        assert not clerk.has_module_perms("backups")
        assert clerk.has_perm(VIEW_INTERNAL)
