import pytest
from django.urls import reverse

from procedures.roles import WINDOW_STAFF
from search.models import Referral
from tests.factories import make_category, make_draft, make_published, make_user

pytestmark = pytest.mark.django_db
URL = reverse("search:api")


def test_it_answers_results_in_the_documented_shape(client):
    make_published("独生子女父母光荣证", category=make_category("计划生育", "ji-sheng"))
    response = client.get(URL, {"q": "独生子女证"})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "独生子女证"
    [result] = body["results"]
    assert set(result) >= {"slug", "title", "category", "url", "snippet"}
    assert result["slug"] == "du-sheng-zi-nv-fu-mu-guang-rong-zheng"
    assert result["category"] == "计划生育"
    assert result["url"] == reverse("procedures:detail", args=[result["slug"]])


def test_it_never_answers_drafts(client):
    make_draft("独生子女父母光荣证")
    assert client.get(URL, {"q": "光荣证"}).json()["results"] == []


def test_it_searches_internal_notes_for_staff_only(client):
    make_published("生育服务手册", staff_notes="全员人口信息系统里核对")
    assert client.get(URL, {"q": "全员人口信息系统"}).json()["results"] == []
    client.force_login(make_user("window", WINDOW_STAFF))
    assert len(client.get(URL, {"q": "全员人口信息系统"}).json()["results"]) == 1


def test_it_never_shows_internal_notes_to_residents(client):
    make_published("生育服务手册", staff_notes="内部：先查系统")
    response = client.get(URL, {"q": "生育"})
    assert "先查系统" not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["", "   ", "？！。，", "\x00\x01\x1f", "\u200b\ufeff", "%", '"OR" NEAR(', "'; DROP --", "*"],
)
def test_it_answers_empty_or_absurd_queries_with_no_results(client, query):
    make_published("生育服务手册")
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_it_refuses_an_overlong_query_with_a_message(client):
    response = client.get(URL, {"q": "社保" * 1000})
    assert response.status_code == 400
    assert "太长" in response.json()["error"]


def test_it_answers_a_query_without_q(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {
        "query": "",
        "results": [],
        "related": [],
        "referral": None,
        "not_here": False,
    }


@pytest.mark.parametrize("limit", ["0", "51", "-1", "ten", "1.5"])
def test_it_refuses_a_limit_out_of_bounds(client, limit):
    response = client.get(URL, {"q": "社保", "limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()["error"]


def test_it_keeps_to_the_limit(client):
    for title in ("社保卡申领", "社保关系转移", "社保缴费登记"):
        make_published(title)
    assert len(client.get(URL, {"q": "社保", "limit": "2"}).json()["results"]) == 2


def test_it_refuses_post(client):
    assert client.post(URL, {"q": "社保"}).status_code == 405


@pytest.mark.django_db
def test_results_say_whether_a_procedure_is_a_bundle(client):
    birth = make_published("出生登记", slug="chu-sheng")
    care = make_published("医保参保", slug="yi-bao")
    make_published(
        "新生儿出生一件事",
        slug="xin-sheng-er",
        kind="bundle",
        aliases=["生孩子要办哪些"],
        members=({"target": birth.procedure}, {"target": care.procedure}),
    )
    results = client.get("/api/search", {"q": "生孩子要办哪些"}).json()["results"]
    assert results[0]["slug"] == "xin-sheng-er"
    assert results[0]["kind"] == "bundle"
    found = client.get("/api/search", {"q": "出生登记"}).json()["results"]
    assert found[0] == {**found[0], "slug": "chu-sheng", "kind": "item"}


@pytest.mark.django_db
def test_a_caller_asking_what_an_occasion_takes_gets_the_bundle_first(client):
    shop = make_published("食品经营许可证", slug="shi-pin", aliases=["开饭店"])
    licence = make_published("个体工商户设立登记", slug="ge-ti")
    make_published(
        "开办餐饮店一件事",
        slug="kai-ban-can-yin-dian",
        kind="bundle",
        aliases=["开饭店的手续"],
        members=({"target": licence.procedure}, {"target": shop.procedure}),
    )

    def slugs(query):
        return [r["slug"] for r in client.get("/api/search", {"q": query}).json()["results"]]

    assert slugs("开饭店")[0] == "shi-pin"  # the item named exactly so wins a plain query
    assert slugs("开饭店要办哪些手续")[0] == "kai-ban-can-yin-dian"
    assert slugs("开饭店一条龙")[0] == "kai-ban-can-yin-dian"
    # 想开 asks for the 新办 of a licence family too: the bundle still comes first.
    assert slugs("想开个饭店要办哪些手续")[0] == "kai-ban-can-yin-dian"


def test_weaker_matches_come_apart_under_related(client):
    make_published("最低生活保障", aliases=["低保"])
    make_published("残疾人两项补贴", summary="已享受低保的，另按规定办理。")
    body = client.get(URL, {"q": "低保"}).json()
    assert [r["slug"] for r in body["results"]] == ["zui-di-sheng-huo-bao-zhang"]
    [related] = body["related"]
    assert set(related) == set(body["results"][0])
    assert (body["referral"], body["not_here"]) == (None, False)


def test_a_query_the_hall_does_not_handle_gets_the_referral(client):
    make_published("失业保险金申领", summary="到窗口领取失业保险金。")
    Referral.objects.create(
        title="住房公积金提取",
        keywords=["公积金"],
        where="市住房公积金管理中心",
        phone="12329",
        hours="周一至周五 9:00—17:00",
    )
    body = client.get(URL, {"q": "公积金怎么取"}).json()
    assert (body["results"], body["not_here"]) == ([], True)
    assert body["referral"] == {
        "title": "住房公积金提取",
        "where": "市住房公积金管理中心",
        "address": "",
        "phone": "12329",
        "hours": "周一至周五 9:00—17:00",
        "note": "",
        "url": "",
    }


@pytest.mark.parametrize(
    "query", ["<script>alert(1)</script>公积金", "公积金' OR 1=1 --", "公积金" * 60]
)
def test_hostile_queries_naming_a_referral_answer_plain_json(client, query):
    Referral.objects.create(
        title="住房公积金提取", keywords=["公积金"], where="市住房公积金管理中心"
    )
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert response.json()["referral"]["where"] == "市住房公积金管理中心"
