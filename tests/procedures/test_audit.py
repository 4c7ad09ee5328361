"""Who created, edited, published or discarded what, and when: visible to admins."""

import pytest
from django.urls import reverse
from django.utils import timezone

from procedures import publishing
from procedures.models import AuditEvent
from procedures.roles import EDITORS, PUBLISHERS, WINDOW_STAFF
from tests.factories import make_draft, make_user

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:procedures_auditevent_changelist")


@pytest.fixture
def history():
    editor = make_user("writer", EDITORS, is_staff=True)
    publisher = make_user("chief", PUBLISHERS, is_staff=True)
    draft = make_draft("残疾人证", by=editor)
    version = publishing.publish_version(
        draft, by=publisher, change_summary="首次发布", effective_from=timezone.localdate()
    )
    second = publishing.create_draft(version.procedure, by=editor)
    publishing.discard_draft(second, by=publisher)
    return version.procedure


def test_every_verb_is_recorded_with_who_did_it(history):
    events = list(
        AuditEvent.objects.filter(procedure=history)
        .order_by("pk")
        .values_list("action", "user__username")
    )
    assert events == [
        ("created", "writer"),
        ("draft_saved", "writer"),
        ("published", "chief"),
        ("draft_created", "writer"),
        ("discarded", "chief"),
    ]


def test_publishers_see_the_audit_trail_of_a_procedure(client, history):
    client.force_login(make_user("auditor", PUBLISHERS, is_staff=True))
    response = client.get(CHANGELIST, {"procedure__id__exact": history.pk})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 5
    assert "丢弃草稿" in response.content.decode()


@pytest.mark.parametrize(("group", "is_staff"), [(WINDOW_STAFF, False), (EDITORS, True)])
def test_others_cannot_read_the_audit_trail(client, history, group, is_staff):
    client.force_login(make_user("someone", group, is_staff=is_staff))
    response = client.get(CHANGELIST)
    assert response.status_code in (302, 403)


def test_nobody_can_edit_the_audit_trail(client, history):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    event = AuditEvent.objects.filter(procedure=history).first()
    url = reverse("admin:procedures_auditevent_change", args=[event.pk])
    client.post(url, {"detail": "改写记录"})
    event.refresh_from_db()
    assert event.detail != "改写记录"
    assert (
        client.post(reverse("admin:procedures_auditevent_delete", args=[event.pk])).status_code
        == 403
    )
