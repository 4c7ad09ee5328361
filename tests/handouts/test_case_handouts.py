"""Handouts for a case (情形引导): only what the case needs, a QR code carrying the answers,
stored per valid answer set; a family's chosen variant; a bundle's merged list and stages."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from hall.models import HallSettings
from handouts import pdf as handouts
from procedures.views.guides import case_of
from procedures.views.lookups import current_version_or_404
from tests.factories import make_flow_published, publish_change
from tests.handouts.test_handouts import counting_renders, page_count, text_of
from tests.procedures.test_guided_pages import bundle, family  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

OUTSIDER_BY_PROXY = {"hu-ji": "wai-di-hu-ji", "dai-ban": "wei-tuo-ta-ren-dai-ban"}
LOCAL_IN_PERSON = {"hu-ji": "ben-qu-hu-ji", "dai-ban": "ben-ren-ban-li"}


def handout(client, version, query: str) -> bytes:
    url = reverse("handouts:current", args=[version.procedure.slug]) + query
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.getvalue()


def stored_files(version) -> list[str]:
    directory = f"{handouts.STORAGE_DIR}/{version.pk}-v{version.number}"
    if not default_storage.exists(directory):
        return []
    return sorted(default_storage.listdir(directory)[1])


def test_a_case_handout_names_the_case_and_prints_only_the_needed_materials(client, tmp_path):
    version = make_flow_published()
    text = text_of(handout(client, version, "?hu-ji=ben-qu-hu-ji&dai-ban=ben-ren-ban-li"), tmp_path)
    assert "情形：本区户籍·本人办理" in text
    assert "居民身份证" in text and "户口簿" in text
    assert "本情形不需要：居住证、授权委托书（共2项）" in text
    assert "办理流程" in text and "提交申请" in text
    assert page_count(handout(client, version, "?hu-ji=ben-qu-hu-ji"), tmp_path) == 1


def test_a_conditional_material_the_case_needs_says_why(tmp_path):
    version = make_flow_published()
    text = text_of(
        handouts.render_handout(version, case=case_of(version, OUTSIDER_BY_PROXY)), tmp_path
    )
    assert "居住证" in text and "外地户籍时需要" in text
    assert "因为" not in text and "户籍是" not in text
    assert "本情形不需要" not in text


def test_a_material_still_undecided_is_printed_as_waiting(tmp_path):
    version = make_flow_published()
    text = text_of(
        handouts.render_handout(version, case=case_of(version, {"hu-ji": "ben-qu-hu-ji"})), tmp_path
    )
    assert "待确认不是本人办理时需要" in text


def test_the_qr_code_opens_the_same_narrowed_page(monkeypatch, settings):
    settings.SITE_URL = "https://banshi.example.cn"
    encoded = []
    monkeypatch.setattr(handouts, "_qr_data_uri", lambda url: encoded.append(url) or "data:,")
    version = make_flow_published()
    handouts.render_handout(version, case=case_of(version, OUTSIDER_BY_PROXY))
    assert encoded == [
        "https://banshi.example.cn/procedures/sheng-yu-fu-wu-shou-ce/"
        "?hu-ji=wai-di-hu-ji&dai-ban=wei-tuo-ta-ren-dai-ban"
    ]


def test_each_case_is_stored_apart_and_the_answers_order_does_not_matter(client, monkeypatch):
    renders = counting_renders(monkeypatch)
    version = make_flow_published()
    plain = handout(client, version, "")
    outsider = handout(client, version, "?hu-ji=wai-di-hu-ji&dai-ban=wei-tuo-ta-ren-dai-ban")
    again = handout(client, version, "?dai-ban=wei-tuo-ta-ren-dai-ban&hu-ji=wai-di-hu-ji")
    assert outsider != plain and again == outsider
    assert len(renders) == 2
    assert len(stored_files(version)) == 2


def test_invalid_answers_create_no_new_stored_files(client, monkeypatch):
    renders = counting_renders(monkeypatch)
    version = make_flow_published()
    handout(client, version, "?hu-ji=wai-di-hu-ji")
    before = stored_files(version)
    for junk in ("&x=1", "&dai-ban=mars", "&HU-JI=x", "&dai-ban=%E5%A4%96&hu-ji%20=y"):
        query = "?hu-ji=wai-di-hu-ji" + junk
        handout(client, version, query)
    assert stored_files(version) == before
    assert len(renders) == 1


def test_a_case_handout_of_one_day_does_not_remove_another_cases(client):
    version = make_flow_published()
    handout(client, version, "?hu-ji=wai-di-hu-ji")
    handout(client, version, "?hu-ji=ben-qu-hu-ji")
    handout(client, version, "")
    assert len(stored_files(version)) == 3


def test_an_earlier_versions_handout_takes_the_answers_too(client, tmp_path):
    version = make_flow_published()
    url = reverse("handouts:version", args=[version.procedure.slug, 1]) + "?hu-ji=ben-qu-hu-ji"
    assert "情形：本区户籍" in text_of(client.get(url).getvalue(), tmp_path)


def test_a_familys_handout_is_its_chosen_variants_case_handout(client, family, tmp_path):  # noqa: F811
    text = text_of(
        handout(client, family, "?qing-xing=shou-ci-shen-ling&hu-ji=wai-di-hu-ji"), tmp_path
    )
    assert "居民身份证首次申领" in text and "情形：首次申领·外地户籍" in text
    assert "居住证" in text and "原居民身份证" not in text


def test_an_undecided_familys_handout_lists_its_variants(client, family, tmp_path):  # noqa: F811
    text = text_of(handout(client, family, ""), tmp_path)
    assert "居民身份证首次申领" in text and "首次申领时办理" in text
    assert "情形是" not in text
    assert "居民身份证到期换领" in text


def test_a_bundles_handout_prints_the_merged_list_and_the_stages(client, bundle, tmp_path):  # noqa: F811
    pdf = handout(client, bundle, "?mian-ji=500-ping-fang-mi-yi-xia")
    text = text_of(pdf, tmp_path)
    assert text.count("居民身份证") == 1
    assert "营业执照、食品经营许可" in text and "可电子核验" in text
    assert "2个事项共4项材料，合并后3项" in text
    assert "消防安全检查" in text and "本情形不需办理500平方米以上时才需要" in text
    assert "内部" not in text
    assert page_count(pdf, tmp_path) == 1


def test_a_bundles_stored_handout_is_printed_again_when_a_member_changes(bundle):  # noqa: F811
    case = case_of(bundle, {})
    today = timezone.localdate()
    before = handouts.storage_key(
        bundle, large=False, hall=HallSettings.load(), printed_on=today, case=case
    )
    member = current_version_or_404(case.stages[0].view.procedure)
    publish_change(member, effective_from=today)
    case = case_of(bundle, {})
    after = handouts.storage_key(
        bundle, large=False, hall=HallSettings.load(), printed_on=today, case=case
    )
    assert before != after
