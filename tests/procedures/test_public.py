import datetime

import pytest
from django.urls import reverse

from procedures import publishing
from procedures.roles import WINDOW_STAFF
from tests.factories import make_category, make_draft, make_published, make_user, publish_change

pytestmark = pytest.mark.django_db
INTERNAL = "内部：先查系统"


def detail_url(version):
    return reverse("procedures:detail", args=[version.procedure.slug])


def test_the_page_shows_the_guide_without_internal_notes(client):
    version = make_published()
    response = client.get(detail_url(version))
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "生育服务手册",
        "居民身份证",
        "原件及复印件",
        "按情形",
        "委托他人代办的",
        "提交申请",
        "外地户口可以办吗？",
        "第 1 版",
    ):
        assert text in html, text
    assert INTERNAL not in html and "核对户籍地" not in html


def test_staff_see_internal_notes_marked_internal(client):
    version = make_published()
    client.force_login(make_user("window", WINDOW_STAFF))
    html = client.get(detail_url(version)).content.decode()
    assert INTERNAL in html and "核对户籍地" in html and "内部" in html
    assert "复制清单" in html


def test_staff_call_mode_puts_materials_first(client):
    version = make_published()
    client.force_login(make_user("window", WINDOW_STAFF))
    html = client.get(detail_url(version) + "?view=call").content.decode()
    assert html.index("申请材料") < html.index("适用对象、受理条件")


def test_a_future_version_is_announced_not_shown(client, today):
    first = make_published(effective_from=today - datetime.timedelta(days=10))
    future = publish_change(
        first,
        effective_from=today + datetime.timedelta(days=20),
        change_summary="改为电子证照核验",
        fee="新收费标准",
    )
    html = client.get(detail_url(first)).content.decode()
    assert "新规定将于" in html and "改为电子证照核验" in html
    assert "新收费标准" not in html
    assert future.get_absolute_url() in html


def test_an_old_version_is_marked_as_no_longer_in_force(client, today):
    first = make_published(effective_from=today - datetime.timedelta(days=10))
    publish_change(first, effective_from=today)
    html = client.get(first.get_absolute_url()).content.decode()
    assert "已不再施行" in html


def test_history_lists_every_published_version(client, today):
    first = make_published(effective_from=today - datetime.timedelta(days=10))
    publish_change(first, effective_from=today, change_summary="结婚证改为电子核验")
    publishing.create_draft(first.procedure, by=None)
    response = client.get(reverse("procedures:history", args=[first.procedure.slug]))
    assert [v.number for v in response.context["versions"]] == [2, 1]
    assert "结婚证改为电子核验" in response.content.decode()


def test_diff_names_a_removed_material(client, today):
    first = make_published()
    draft = publishing.create_draft(first.procedure, by=None)
    materials = [{"name": m.name, "form": m.form} for m in first.materials.all()][1:]
    draft = publishing.save_draft(
        draft, content={}, parts={"materials": materials}, expected_revision=draft.revision, by=None
    )
    publishing.publish_version(
        draft, by=None, change_summary="身份证改为电子核验", effective_from=today
    )
    url = reverse("procedures:diff", args=[first.procedure.slug, 1, 2])
    response = client.get(url)
    assert response.status_code == 200
    assert "居民身份证" in response.content.decode()
    assert not response.context["diff"].materials.is_empty


def test_compare_form_redirects_older_first(client, today):
    first = make_published()
    publish_change(first, effective_from=today)
    url = reverse("procedures:compare", args=[first.procedure.slug])
    response = client.get(url, {"a": 2, "b": 1})
    assert response.url == reverse("procedures:diff", args=[first.procedure.slug, 1, 2])


def test_previous_and_next_stay_within_the_category(client):
    a = make_published("甲事项", slug="a")
    b = make_published("乙事项", slug="b")
    make_published("丙事项", slug="c", category=make_category("其他", "other"))
    response = client.get(detail_url(a))
    assert response.context["neighbours"] == (None, b.procedure)


@pytest.mark.parametrize(
    "path",
    [
        "/procedures/no-such-thing/",
        "/procedures/{slug}/versions/9/",
        "/procedures/{slug}/diff/1/9/",
        "/procedures/{draft}/",
        "/procedures/{draft}/versions/",
        "/categories/nope/",
    ],
)
def test_unknown_slugs_versions_and_drafts_answer_404_in_chinese(client, path):
    version = make_published()
    draft = make_draft("只有草稿", slug="draft-only")
    response = client.get(path.format(slug=version.procedure.slug, draft=draft.procedure.slug))
    assert response.status_code == 404
    assert "找不到" in response.content.decode()


def test_a_draft_never_reaches_the_public_page(client):
    version = make_published()
    draft = publishing.create_draft(version.procedure, by=None)
    publishing.save_draft(
        draft, content={"title": "草稿里的新名称"}, expected_revision=draft.revision, by=None
    )
    html = client.get(detail_url(version)).content.decode()
    assert "草稿里的新名称" not in html


def test_category_page_lists_procedures_in_curated_order(client, django_assert_max_num_queries):
    category = make_category()
    for title in ("甲", "乙", "丙"):
        make_published(f"{title}事项", slug=title.encode().hex(), category=category)
    with django_assert_max_num_queries(8):
        response = client.get(category.get_absolute_url())
    assert [v.title for _, v in response.context["entries"]] == ["甲事项", "乙事项", "丙事项"]
