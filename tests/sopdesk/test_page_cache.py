"""Pages stored for residents (sopdesk/page_cache.py): served without rendering, never stale."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hall.models import HallSettings
from procedures import publishing, signals
from procedures.roles import WINDOW_STAFF
from sopdesk import page_cache
from sopdesk import settings as sopdesk_settings
from tests.factories import make_flow_published, make_published, make_user, publish_change

pytestmark = pytest.mark.django_db


def detail_url(version):
    return reverse("procedures:detail", args=[version.procedure.slug])


def test_a_residents_second_visit_is_served_without_the_database(client):
    version = make_published()
    first = client.get(detail_url(version))
    with CaptureQueriesContext(connection) as queries:
        second = client.get(detail_url(version))
    assert len(queries) == 0
    assert second.content == first.content and second.context is None


def test_the_home_and_category_pages_are_stored_too(client):
    version = make_published()
    for url in ("/", version.procedure.category.get_absolute_url()):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == 0, url


def test_a_browser_holding_the_page_is_told_it_has_not_changed(client):
    version = make_published()
    etag = client.get(detail_url(version)).headers["ETag"]
    again = client.get(detail_url(version), headers={"if-none-match": etag})
    assert (again.status_code, again.content) == (304, b"")


def test_a_page_not_seen_since_it_was_stored_is_unchanged(client):
    version = make_published()
    stored = client.get(detail_url(version)).headers["Last-Modified"]
    again = client.get(detail_url(version), headers={"if-modified-since": stored})
    assert again.status_code == 304


def test_a_proxy_may_keep_public_pages_but_must_tell_staff_from_residents(client):
    version = make_published()
    for response in (client.get(detail_url(version)), client.get(detail_url(version))):
        assert response.headers["Cache-Control"] == "public, no-cache"
        assert "Cookie" in response.headers["Vary"]


def test_a_staff_page_is_never_public(client):
    version = make_published()
    client.force_login(make_user("window", WINDOW_STAFF))
    response = client.get(detail_url(version))
    assert "private" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]


def test_a_staff_page_is_never_served_to_a_resident_nor_the_other_way(client):
    version = make_published()  # its staff notes: 内部：先查系统
    resident_first = client.get(detail_url(version)).content.decode()
    client.force_login(make_user("window", WINDOW_STAFF))
    staff = client.get(detail_url(version)).content.decode()
    client.logout()
    resident_again = client.get(detail_url(version)).content.decode()
    assert "先查系统" in staff
    assert "先查系统" not in resident_first and "先查系统" not in resident_again


def test_a_staff_visit_stores_nothing_for_residents(client):
    version = make_published()
    client.force_login(make_user("window", WINDOW_STAFF))
    client.get(detail_url(version))
    client.logout()
    assert "先查系统" not in client.get(detail_url(version)).content.decode()


def test_no_page_is_stale_after_a_new_version_is_published(client, today):
    version = make_published()
    client.get(detail_url(version))
    publish_change(version, effective_from=today, summary="新的概述")
    assert "新的概述" in client.get(detail_url(version)).content.decode()


def test_no_page_is_stale_after_a_procedure_is_retired(client):
    version = make_published()
    client.get(detail_url(version))
    client.get("/")
    publishing.retire_procedure(version.procedure, by=None, reason="并入其他事项")
    assert client.get(detail_url(version)).status_code == 404
    assert detail_url(version) not in client.get("/").content.decode()


def test_a_scheduled_version_takes_effect_on_its_day_without_a_job(client, today, monkeypatch):
    version = make_published()
    tomorrow = today + datetime.timedelta(days=1)
    publish_change(version, effective_from=tomorrow, summary="明天起的新规定")
    assert "明天起的新规定" not in client.get(detail_url(version)).content.decode()
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    assert "明天起的新规定" in client.get(detail_url(version)).content.decode()


def test_no_page_is_stale_after_the_hall_settings_change(client):
    version = make_published()
    client.get(detail_url(version))
    settings_row = HallSettings.load()
    settings_row.name = "团结街道社区事务受理服务中心"
    settings_row.save()
    assert "团结街道" in client.get(detail_url(version)).content.decode()


def test_a_staff_page_reads_the_kept_hall_settings_until_they_change(client):
    version = make_published()
    client.force_login(make_user("window", WINDOW_STAFF))
    client.get(detail_url(version))
    with CaptureQueriesContext(connection) as queries:
        client.get(detail_url(version))
    assert not any("hall_hallsettings" in query["sql"] for query in queries)
    settings_row = HallSettings.load()
    settings_row.name = "团结街道社区事务受理服务中心"
    settings_row.save()
    assert "团结街道" in client.get(detail_url(version)).content.decode()


def test_no_page_is_stale_after_a_category_is_renamed(client):
    version = make_published()
    client.get(detail_url(version))
    category = version.procedure.category
    category.name = "人口与家庭"
    category.save()
    assert "人口与家庭" in client.get(detail_url(version)).content.decode()


def test_a_restore_forgets_every_stored_page(client):
    version = make_published()
    client.get(detail_url(version))
    signals.library_replaced.send(sender=None)
    with CaptureQueriesContext(connection) as queries:
        client.get(detail_url(version))
    assert len(queries) > 0


def test_a_new_deployment_renders_the_pages_again(client, settings):
    version = make_published()
    settings.PAGE_CACHE_REVISION = "before"
    client.get(detail_url(version))
    settings.PAGE_CACHE_REVISION = "after"
    with CaptureQueriesContext(connection) as queries:
        client.get(detail_url(version))
    assert len(queries) > 0


def test_the_revision_changes_with_any_template(tmp_path):
    template = tmp_path / "detail.html"
    template.write_text("第 {{ version.number }} 版")
    before = page_cache.revision_of([template])
    template.write_text("第{{ version.number }}版")
    assert page_cache.revision_of([template]) != before


def test_a_guided_case_is_stored_under_the_query_the_page_writes(client):
    version = make_flow_published()
    url = detail_url(version)
    canonical = f"{url}?hu-ji=wai-di-hu-ji"  # 户籍: 外地户籍, as the page writes it
    client.get(canonical)
    with CaptureQueriesContext(connection) as queries:
        client.get(canonical)
    assert len(queries) == 0
    client.get(f"{url}?made-up=1")
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{url}?made-up=1")
    assert len(queries) > 0


def test_a_visitor_with_a_message_waiting_gets_the_page_rendered(client):
    version = make_published()
    client.get(detail_url(version))
    client.cookies["messages"] = "pending"
    assert client.get(detail_url(version)).context is not None  # rendered, not the stored page


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("redis://10.0.0.5:6379/1", "redis.RedisCache", "redis://10.0.0.5:6379/1"),
        ("memcached://10.0.0.5:11211", "memcached.PyMemcacheCache", "10.0.0.5:11211"),
        ("file:///srv/sopdesk/pages", "filebased.FileBasedCache", "/srv/sopdesk/pages"),
    ],
)
def test_the_page_cache_can_be_shared_by_several_servers(url, backend, location):
    configured = sopdesk_settings.page_cache(url)
    assert configured["BACKEND"] == f"django.core.cache.backends.{backend}"
    assert configured["LOCATION"] == location


def test_the_page_cache_is_a_folder_of_the_machine_by_default():
    configured = sopdesk_settings.page_cache("")
    assert configured["LOCATION"] == str(sopdesk_settings.VAR_DIR / "page-cache")
