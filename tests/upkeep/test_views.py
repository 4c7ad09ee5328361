"""The pages: staff report where the problem is, owners and 审核发布 handle, residents answer
这个页面对您有帮助吗 on the stored public page."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from procedures.templatetags.procedures import person
from tests.factories import make_published, publish_change, signed_in
from tests.upkeep.factories import report_on, submitted_by
from upkeep.models import PageFeedback, Report, ReviewCheck

pytestmark = pytest.mark.django_db


def new_report_url(version, part="material", part_id=None):
    part_id = part_id or version.materials.first().pk
    return f"{reverse('upkeep:report_new')}?version={version.pk}&part={part}&id={part_id}"


def test_staff_see_a_report_link_on_each_material_step_and_faq(births, clerk):
    page = signed_in(clerk).get(births.procedure.get_absolute_url()).content.decode()
    links = re.findall(
        r'href="/upkeep/reports/new/\?version=(\d+)&amp;part=(\w+)&amp;id=(\d+)"', page
    )
    parts = {(int(v), p, int(i)) for v, p, i in links}
    expected = {
        *((births.pk, "material", m.pk) for m in births.materials.all()),
        *((births.pk, "step", s.pk) for s in births.steps.all()),
        *((births.pk, "faq", f.pk) for f in births.faqs.all()),
    }
    assert parts == expected
    assert "报告问题 / 办不成" in page
    assert "这个页面对您有帮助吗" not in page


def test_residents_see_the_feedback_question_and_no_report_links(births):
    page = Client().get(births.procedure.get_absolute_url()).content.decode()
    assert "这个页面对您有帮助吗" in page
    assert f'name="version" value="{births.pk}"' in page
    assert "/upkeep/reports/new/" not in page
    assert "内容核对" not in page


def test_a_clerk_files_a_report_and_sees_it_in_their_list(births, clerk):
    client = signed_in(clerk)
    url = new_report_url(births)
    form = client.get(url)
    material = births.materials.first()
    assert f"材料：{material.name}" in form.content.decode()
    response = client.post(
        url,
        {
            "version": births.pk,
            "part": "material",
            "id": material.pk,
            "cause": "material_changed",
            "description": "窗口已不收复印件",
            "case_number": "BJ-1",
        },
        follow=True,
    )
    report = Report.objects.get()
    assert response.redirect_chain[-1][0] == report.get_absolute_url()
    assert "已提交。负责人会在" in response.content.decode()
    assert (report.reporter, report.part_id, report.case_number) == (clerk, material.pk, "BJ-1")
    mine = client.get(reverse("upkeep:mine")).content.decode()
    assert "窗口已不收复印件" not in mine  # the list shows where and why
    assert f"材料：{material.name}：材料要求已变" in mine and "处理中" in mine


def test_an_incomplete_report_form_says_what_is_missing_and_saves_nothing(births, clerk):
    response = signed_in(clerk).post(
        new_report_url(births),
        {"version": births.pk, "part": "material", "id": births.materials.first().pk},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "请选择问题原因。" in page and "请写一句问题描述。" in page
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("?version=abc", 404, ""),
        ("?version=999999", 404, ""),
        ("?version={v}&part=material&id=999999", 400, "第 1 版里没有这个材料"),
        ("?version={v}&part=chapter", 400, "报错的位置不对"),
    ],
)
def test_a_report_link_that_points_nowhere_is_a_clear_refusal(
    births, clerk, query, status, message
):
    response = signed_in(clerk).get(reverse("upkeep:report_new") + query.format(v=births.pk))
    assert response.status_code == status
    assert message in response.content.decode()


def test_only_the_owner_backup_or_publishers_close_a_report(
    births, clerk, owner, other_editor, publisher
):
    report = report_on(births, clerk, description="电话换了")
    close = reverse("upkeep:close", args=[report.pk])
    data = {"outcome": "unchanged", "reason": "电话无误"}
    for outsider in (clerk, other_editor):
        assert signed_in(outsider).post(close, data).status_code == 403
    page = signed_in(owner).get(report.get_absolute_url()).content.decode()
    assert "关闭这条报错" in page and "起草修改" in page
    assert "关闭这条报错" not in signed_in(clerk).get(report.get_absolute_url()).content.decode()
    response = signed_in(owner).post(close, data, follow=True)
    assert "已处理，报告人会看到处理结果。" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.UNCHANGED and report.resolution == "无需修改：电话无误"
    again = signed_in(publisher).post(close, data, follow=True).content.decode()
    assert "这条报错已由 owner 处理（无需修改），不用再处理。" in again


def test_closing_as_fixed_needs_a_later_version(births, clerk, owner):
    report = report_on(births, clerk, description="电话换了")
    close = reverse("upkeep:close", args=[report.pk])
    page = signed_in(owner).post(close, {"outcome": "fixed"}, follow=True).content.decode()
    assert "请选择修改了这个问题的版本。" in page
    second = publish_change(
        births, effective_from=datetime.date(2024, 6, 1), change_summary="换新电话"
    )
    signed_in(owner).post(close, {"outcome": "fixed", "version": second.pk})
    report.refresh_from_db()
    assert report.status == Report.Status.FIXED and report.fix_version == second
    detail = signed_in(clerk).get(report.get_absolute_url()).content.decode()
    assert "第 2 版已修改：换新电话" in detail and "看看第 2 版改了什么" in detail


def test_start_fix_opens_the_draft_linked_to_the_report(births, clerk, owner):
    report = report_on(births, clerk, description="电话换了")
    response = signed_in(owner).post(reverse("upkeep:start_fix", args=[report.pk]))
    draft = births.procedure.draft()
    assert response.url == reverse("admin:procedures_procedureversion_change", args=[draft.pk])
    report.refresh_from_db()
    assert report.fix_version == draft
    submit = signed_in(owner).get(reverse("procedures:submit", args=[draft.pk])).content.decode()
    assert "发布后将关闭的报错（1 条）" in submit


def test_the_staff_panel_shows_the_owner_and_last_check_and_lets_the_owner_confirm(
    births, clerk, owner
):
    url = births.procedure.get_absolute_url()
    clerk_page = signed_in(clerk).get(url).content.decode()
    assert "李编（备份：chief）" in clerk_page
    assert f"{timezone.localtime(births.published_at):%Y年%-m月%-d日}（发布第 1 版）" in clerk_page
    assert "已复核，无需修改</button>" not in clerk_page
    owner_client = signed_in(owner)
    assert "已复核，无需修改</button>" in owner_client.get(url).content.decode()
    confirm = reverse("upkeep:confirm", args=[births.procedure_id])
    assert signed_in(clerk).post(confirm, {"note": ""}).status_code == 403
    response = owner_client.post(confirm, {"note": "已与卫健办核对", "next": url}, follow=True)
    page = response.content.decode()
    assert "已记录“已复核，无需修改”。下次复核日期：" in page
    assert "（已复核，无需修改）" in page
    assert ReviewCheck.objects.get().note == "已与卫健办核对"


def test_confirm_goes_back_only_to_this_site(births, owner):
    confirm = reverse("upkeep:confirm", args=[births.procedure_id])
    response = signed_in(owner).post(confirm, {"next": "https://evil.example/"})
    assert response.url == births.procedure.get_absolute_url()


def post_feedback(client, shown, **data):
    return client.post(
        reverse("upkeep:feedback", args=[shown.procedure.slug]),
        {"version": shown.pk, **data},
        REMOTE_ADDR="10.1.2.3",
    )


def test_a_resident_says_the_page_did_not_help_and_why(births):
    client = Client(enforce_csrf_checks=True)
    response = post_feedback(
        client, births, helpful="0", reason="differs", comment="<b>窗口</b>说要原件"
    )
    assert response.status_code == 200
    assert "谢谢您告诉我们" in response.content.decode()
    row = PageFeedback.objects.get()
    assert (row.helpful, row.reason, row.comment) == (False, "differs", "<b>窗口</b>说要原件")


def test_the_feedback_address_opened_again_leads_back_to_the_page(births):
    response = Client().get(reverse("upkeep:feedback", args=[births.procedure.slug]))
    assert response.status_code == 302
    assert response["Location"] == births.procedure.get_absolute_url()
    assert not PageFeedback.objects.exists()


def test_feedback_lists_show_comments_as_text(births, owner):
    PageFeedback.objects.create(
        procedure=births.procedure, version=births, helpful=False, comment="<script>x</script>"
    )
    page = signed_in(owner).get(reverse("upkeep:feedback_list", args=[births.procedure.slug]))
    assert "&lt;script&gt;x&lt;/script&gt;" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"helpful": "maybe"}, "没有收到您的选择"),
        ({"helpful": "0", "reason": "bogus"}, "请从列表中选择原因。"),
        ({"helpful": "1", "version": "999999"}, "这个页面已经更新，请刷新后再提交。"),
        ({"helpful": "0", "comment": "长" * 201}, "补充说明最多 200 个字。"),
    ],
)
def test_bad_feedback_is_refused_with_a_message_and_not_recorded(births, data, message):
    response = post_feedback(Client(), births, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PageFeedback.objects.exists()


def test_one_client_answers_a_few_times_a_day_about_one_page(births):
    client = Client()
    statuses = [post_feedback(client, births, helpful="1").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert PageFeedback.objects.count() == 3


def test_feedback_on_a_page_with_nothing_in_force_is_not_found(births, owner):
    from procedures import publishing

    publishing.retire_procedure(births.procedure, by=owner, reason="并入")
    assert post_feedback(Client(), births, helpful="1").status_code == 404


def test_the_panel_follows_a_change_of_owner_and_a_new_version(births, clerk, other_editor):
    from upkeep import stewardship

    client = signed_in(clerk)
    url = births.procedure.get_absolute_url()
    assert "李编（备份：chief）" in client.get(url).content.decode()
    stewardship.assign_procedure(births.procedure, owner=other_editor, backup=None, interval=None)
    assert "other（备份：chief）" in client.get(url).content.decode()
    publish_change(births, effective_from=timezone.localdate(), change_summary="换新电话")
    assert "（发布第 2 版）" in client.get(url).content.decode()


def test_checks_are_kept_in_the_history_staff_see(births, owner, clerk):
    from upkeep import rechecks

    rechecks.confirm_unchanged(births.procedure, by=owner, note="已与卫健办核对")
    url = reverse("procedures:history", args=[births.procedure.slug])
    staff_page = signed_in(clerk).get(url).content.decode()
    assert "复核记录" in staff_page and "已复核，无需修改：已与卫健办核对" in staff_page
    assert person(owner) in staff_page
    assert "复核记录" not in Client().get(url).content.decode()


def test_the_home_page_count_follows_reports_and_checks(births, clerk, owner):
    from upkeep import reports

    client = signed_in(owner)

    def count() -> str:
        page = client.get(reverse("hall:home")).content.decode()
        return re.search(r"待我处理 <strong>(\d+)</strong> 项", page)[1]

    assert count() == "0"
    report = report_on(births, clerk)
    assert count() == "1"
    reports.close_unchanged(report, reason="无误", by=owner)
    assert count() == "0"
    mine = signed_in(clerk).get(reverse("hall:home")).content.decode()
    assert "待我处理" not in mine and "我的报错" in mine


def test_the_home_page_count_follows_residents_answers(births, owner):
    client = signed_in(owner)
    home = reverse("hall:home")
    assert "待我处理 <strong>0</strong> 项" in client.get(home).content.decode()
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        response = Client().post(
            reverse("upkeep:feedback", args=[births.procedure.slug]),
            {"version": births.pk, "helpful": "0", "reason": "differs"},
            REMOTE_ADDR=address,
        )
        assert response.status_code == 200
    assert "待我处理 <strong>1</strong> 项" in client.get(home).content.decode()


def test_the_home_page_count_follows_drafts_in_and_out_of_review(births, owner, publisher, clerk):
    from procedures import publishing, reviews
    from procedures.models import ReviewRules

    editor, reviewer = signed_in(owner), signed_in(publisher)

    def count(client) -> str:
        page = client.get(reverse("hall:home")).content.decode()
        return re.search(r"待我处理 <strong>(\d+)</strong> 项", page)[1]

    assert (count(editor), count(reviewer)) == ("0", "0")
    draft = submitted_by(owner, births)
    assert (count(editor), count(reviewer)) == ("0", "1")
    assert "等我审核 1 项" in reviewer.get(reverse("hall:home")).content.decode()
    reviews.send_back(draft, by=publisher, comment="电话少了一位")
    assert (count(editor), count(reviewer)) == ("1", "0")
    assert "退回给我修改 1 项" in editor.get(reverse("hall:home")).content.decode()
    draft = publishing.save_draft(
        draft, content={"phone": "021-1234 5679"}, expected_revision=draft.revision, by=owner
    )
    draft = reviews.submit_for_review(draft, by=owner, change_summary="咨询电话更换")
    assert (count(editor), count(reviewer)) == ("0", "1")
    publishing.save_draft(draft, content={}, expected_revision=draft.revision, by=owner)
    assert count(reviewer) == "0"  # changed after it was submitted: no longer to review
    draft = submitted_by(publisher, make_published("独生子女证"))
    assert count(reviewer) == "0"
    ReviewRules.objects.create(allow_self_approval=True)
    assert count(reviewer) == "1"
    publishing.discard_draft(draft, by=publisher)
    assert count(reviewer) == "0"
    assert "待我处理" not in signed_in(clerk).get(reverse("hall:home")).content.decode()


def test_the_queue_lists_drafts_to_review_for_reviewers_only(births, owner, publisher, clerk):
    from procedures import reviews

    draft = submitted_by(owner, births)
    page = signed_in(publisher).get(reverse("upkeep:queue")).content.decode()
    assert "等我审核" in page and reverse("procedures:publish", args=[draft.pk]) in page
    assert "李编 提交审核：咨询电话更换" in page
    reviews.send_back(draft, by=publisher, comment="电话少了一位")
    page = signed_in(owner).get(reverse("upkeep:queue")).content.decode()
    assert "等我审核" not in page and "退回给我修改" in page
    assert "chief 退回修改：电话少了一位" in page
    assert reverse("admin:procedures_procedureversion_change", args=[draft.pk]) in page
    assert signed_in(clerk).get(reverse("upkeep:queue")).status_code == 403


def test_owners_are_set_per_line_and_item_and_bad_values_save_nothing(
    births, publisher, owner, other_editor, clerk
):
    from upkeep.models import CategoryUpkeep, ProcedureUpkeep

    client = signed_in(publisher)
    url = reverse("upkeep:category_owners", args=[births.procedure.category.slug])
    pid = births.procedure_id
    good = {"owner": owner.pk, "backup": publisher.pk, "interval": "90"}
    for data, message in (
        ({**good, "interval": "abc"}, "没有保存：复核周期须是天数，“abc”不是。"),
        ({**good, "owner": clerk.pk}, "没有保存：请从列表中选择负责人。"),
        ({**good, "interval": "3"}, "没有保存：复核周期须在 7 到 1095 天之间。"),
        (
            {**good, f"owner-{pid}": owner.pk, f"backup-{pid}": owner.pk},
            "备份负责人不能和负责人是同一个人",
        ),
    ):
        page = client.post(url, data).content.decode()
        assert message in page
        line = CategoryUpkeep.objects.get()
        assert (line.interval_days, line.owner, line.backup) == (180, owner, publisher)
        assert not ProcedureUpkeep.objects.exists()
    response = client.post(
        url, {**good, f"owner-{pid}": other_editor.pk, f"interval-{pid}": "30"}, follow=True
    )
    assert "已保存“计划生育”的负责人与复核周期。" in response.content.decode()
    assert CategoryUpkeep.objects.get().interval_days == 90
    own = ProcedureUpkeep.objects.get()
    assert (own.procedure_id, own.owner, own.interval_days) == (pid, other_editor, 30)
    assert signed_in(owner).post(url, good).status_code == 403
