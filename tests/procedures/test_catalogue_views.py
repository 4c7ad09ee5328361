"""The catalogue pages (材料目录) and the editor's autocomplete over them."""

import pytest
from django.urls import reverse

from procedures.models import MaterialKind
from procedures.roles import EDITORS, WINDOW_STAFF
from tests.factories import make_category, make_draft, make_published, make_user

pytestmark = pytest.mark.django_db
LIST = reverse("procedures:material_kinds")


def test_the_catalogue_lists_each_kind_with_the_procedures_that_ask_for_it(client):
    make_published("生育服务手册", materials=[{"name": "居民身份证"}, {"name": "结婚证"}])
    make_published("失业登记", materials=[{"name": "居民身份证"}])
    response = client.get(LIST)
    assert response.status_code == 200
    listed = [
        (kind.name, [p.current_title for p in procedures])
        for kind, procedures in response.context["entries"]
    ]
    assert listed == [("居民身份证", ["生育服务手册", "失业登记"]), ("结婚证", ["生育服务手册"])]


def test_a_kind_only_a_draft_asks_for_is_not_listed(client):
    make_draft("收养登记", materials=[{"name": "收养协议"}])
    response = client.get(LIST)
    assert response.context["entries"] == []
    assert "还没有施行中的事项需要材料" in response.content.decode()


def test_the_catalogue_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for n in range(6):
        make_published(
            f"事项{n}",
            slug=f"item-{n}",
            category=make_category(f"条线{n % 2}", f"line-{n % 2}"),
            materials=[{"name": "居民身份证"}, {"name": f"证明{n}"}],
        )
    with django_assert_max_num_queries(8):
        client.get(LIST)


def test_a_kind_page_shows_each_row_with_its_own_requirement(client):
    make_published(
        "生育服务手册",
        materials=[{"name": "授权委托书", "required": False, "condition": "委托他人代办的"}],
    )
    kind = MaterialKind.objects.get(name="授权委托书")
    response = client.get(kind.get_absolute_url())
    assert response.status_code == 200
    assert "按情形：委托他人代办的" in response.content.decode()


def test_an_unknown_kind_is_a_404_in_chinese(client):
    response = client.get(reverse("procedures:material_kind", args=[999]))
    assert response.status_code == 404
    assert "找不到" in response.content.decode() or "不存在" in response.content.decode()


def test_editors_find_kinds_by_alias_in_the_autocomplete(client):
    MaterialKind.objects.create(name="居民身份证", aliases=["身份证"])
    client.force_login(make_user("editor", EDITORS, is_staff=True))
    draft = make_draft()
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "身份",
            "app_label": "procedures",
            "model_name": "material",
            "field_name": "kind",
        },
        HTTP_REFERER=reverse("admin:procedures_procedureversion_change", args=[draft.pk]),
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["居民身份证"]


def test_window_staff_may_not_edit_the_catalogue(client):
    client.force_login(make_user("window", WINDOW_STAFF, is_staff=True))
    response = client.get(reverse("admin:procedures_materialkind_add"))
    assert response.status_code == 403
