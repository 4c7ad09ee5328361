"""The printed handout (一次性告知单): what it prints, how it is stored, and its URLs.

PDFs are read back with poppler-utils, as a resident's printer would see them.
"""

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from hall.models import HallSettings
from handouts import pdf as handouts
from handouts.checklists import checklist_text
from handouts.pdf import HandoutFontMissing
from tests.factories import make_draft, make_published, publish_change

pytestmark = pytest.mark.django_db

MATERIALS = (
    {"name": "居民身份证", "form": "original"},
    {"name": "户口簿", "form": "original_and_copy", "note": "首页及本人页"},
    {"name": "结婚证", "form": "original_and_copy", "required": False, "condition": "已婚的"},
    {"name": "近期一寸免冠彩色照片", "form": "original", "copies": 2},
    {"name": "授权委托书", "required": False, "condition": "委托他人代办的"},
    {"name": "《生育登记表》", "note": "窗口领取"},
)
STEPS = (
    {"title": "提交申请", "body": "携带材料到 **2 号窗口** 提交。", "staff_note": "窗口暗号丁戊己"},
    {"title": "审核材料", "body": "工作人员当场审核材料是否齐全。"},
    {"title": "登记信息", "body": "录入系统并打印登记回执。"},
    {"title": "领取手册", "body": "审核通过的，当场领取生育服务手册。"},
    {"title": "后续服务", "body": "孕期检查时出示手册即可。"},
)


def typical(**content):
    """A typical procedure: six materials, five steps, and internal notes that must not print."""
    return make_published(
        "生育服务手册",
        materials=MATERIALS,
        steps=STEPS,
        staff_notes="内部备注甲乙丙",
        location="一楼 2 号窗口",
        phone="021-5555 0101",
        time_limit="即时办结",
        fee="不收费",
        **content,
    )


def written(pdf: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "handout.pdf"
    path.write_bytes(pdf)
    return path


def poppler(tool: str, pdf: bytes, tmp_path: Path, *options: str) -> str:
    command = [tool, *options, str(written(pdf, tmp_path))]
    if tool == "pdftotext":
        command.append("-")
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def text_of(pdf: bytes, tmp_path: Path) -> str:
    """The printed text with line breaks and spaces removed: table cells wrap anywhere."""
    return re.sub(r"\s+", "", poppler("pdftotext", pdf, tmp_path))


def mm(length: float) -> float:
    return length * 72 / 25.4


def page_count(pdf: bytes, tmp_path: Path) -> int:
    info = poppler("pdfinfo", pdf, tmp_path)
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def test_it_prints_the_title_and_the_version_number(tmp_path):
    version = publish_change(typical(), effective_from=datetime.date(2024, 6, 1))

    text = text_of(handouts.render_handout(version), tmp_path)

    assert "生育服务手册" in text
    assert "第2版" in text


def test_it_lists_every_material(tmp_path):
    text = text_of(handouts.render_handout(typical()), tmp_path)

    for material in MATERIALS:
        assert material["name"] in text


def test_it_says_which_materials_are_required_and_when_the_others_are(tmp_path):
    text = text_of(handouts.render_handout(typical()), tmp_path)

    assert "近期一寸免冠彩色照片原件2份必需" in text
    assert "原件及复印件1份按情形已婚的" in text
    assert "首页及本人页" in text


def test_it_prints_every_step_in_order(tmp_path):
    text = text_of(handouts.render_handout(typical()), tmp_path)

    positions = [text.index(step["title"]) for step in STEPS]
    assert positions == sorted(positions)
    assert "工作人员当场审核材料是否齐全。" in text


def test_it_never_prints_internal_notes(tmp_path):
    version = typical()
    for large in (False, True):
        text = text_of(handouts.render_handout(version, large=large), tmp_path)

        assert "内部备注甲乙丙" not in text
        assert "窗口暗号丁戊己" not in text


def test_it_prints_the_hall_and_falls_back_to_its_details_where_the_version_has_none(tmp_path):
    hall = HallSettings.load()
    hall.name, hall.address, hall.hours = "光明街道服务中心", "光明路 1 号", "周一至周五全天"
    hall.save()

    text = text_of(handouts.render_handout(typical()), tmp_path)

    assert "光明街道服务中心" in text
    assert "办理部门/窗口光明街道服务中心" in text
    assert "办理地点一楼2号窗口" in text
    assert "办理时间周一至周五全天" in text
    assert "咨询电话021-55550101" in text
    assert "办理时限即时办结" in text
    assert "收费不收费" in text


def test_the_footer_shows_the_version_dates_and_page_numbers(tmp_path):
    text = text_of(handouts.render_handout(typical()), tmp_path)

    today = timezone.localdate()
    assert "施行日期2024年1月1日" in text
    assert f"打印日期{today.year}年{today.month}月{today.day}日" in text
    assert "第1页/共1页" in text


def test_the_qr_code_leads_to_the_live_page_even_from_an_old_version(settings):
    settings.SITE_URL = "https://banshi.example.cn"
    first = typical()
    publish_change(first, effective_from=datetime.date(2024, 6, 1))

    live_page = "https://banshi.example.cn/procedures/sheng-yu-fu-wu-shou-ce/"
    assert handouts.public_page_url(first) == live_page


def test_it_embeds_the_chinese_font_as_a_subset(tmp_path):
    fonts = poppler("pdffonts", handouts.render_handout(typical()), tmp_path).splitlines()[2:]

    assert fonts
    for line in fonts:
        name, emb, sub = line.split()[0], *line.split()[-5:-3]
        assert re.match(r"^[A-Z]{6}\+Noto-Sans-CJK-SC", name), line
        assert (emb, sub) == ("yes", "yes"), line
    assert "Serif" not in "".join(fonts)


def test_a_typical_procedure_fits_on_one_page(tmp_path):
    assert page_count(handouts.render_handout(typical()), tmp_path) == 1


def test_large_print_sets_everything_a_resident_reads_at_16pt_or_more(tmp_path):
    pdf = handouts.render_handout(typical(), large=True)

    top, bottom = mm(12), mm(297 - 16)  # the page area inside the margins, in points
    sizes = []
    for attributes, word in re.findall(
        r"<word (.*?)>([\u4e00-\u9fff]+)</word>", poppler("pdftotext", pdf, tmp_path, "-bbox")
    ):
        box = {name: float(value) for name, value in re.findall(r'(\w+)="([\d.]+)"', attributes)}
        if box["yMin"] > top and box["yMax"] < bottom:
            # A Chinese character is one em wide: its advance is the font size.
            sizes.append((box["xMax"] - box["xMin"]) / len(word))
    assert len(sizes) > 20
    assert min(sizes) >= 15.9


def test_the_second_request_is_served_from_storage(monkeypatch):
    renders = counting_renders(monkeypatch)
    version = typical()

    first = handouts.handout_pdf(version)
    second = handouts.handout_pdf(version)

    assert second == first
    assert len(renders) == 1
    assert default_storage.exists(stored_key(version))


def test_the_large_print_is_stored_apart_from_the_standard(monkeypatch):
    renders = counting_renders(monkeypatch)
    version = typical()

    standard, large = handouts.handout_pdf(version), handouts.handout_pdf(version, large=True)

    assert standard != large
    assert renders == [False, True]


def test_a_change_of_hall_settings_prints_afresh_and_drops_the_stale_file(monkeypatch, tmp_path):
    renders = counting_renders(monkeypatch)
    version = typical()
    handouts.handout_pdf(version)
    stale = stored_key(version)
    hall = HallSettings.load()
    hall.phone = "021-6666 0000"
    hall.save()

    fresh = handouts.handout_pdf(version)

    assert len(renders) == 2
    assert "021-66660000" in text_of(fresh, tmp_path)
    assert not default_storage.exists(stale)
    assert default_storage.exists(stored_key(version))


def test_each_day_prints_its_own_date(monkeypatch, tmp_path):
    version = typical()
    handouts.handout_pdf(version)
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2031, 2, 3))

    assert "打印日期2031年2月3日" in text_of(handouts.handout_pdf(version), tmp_path)


def test_a_draft_is_printed_but_never_stored(monkeypatch, settings):
    renders = counting_renders(monkeypatch)
    draft = make_draft("生育服务手册", slug="draft-only")

    handouts.handout_pdf(draft)
    handouts.handout_pdf(draft)

    assert len(renders) == 2
    assert not Path(settings.MEDIA_ROOT, handouts.STORAGE_DIR).exists()


def test_it_refuses_to_print_without_the_chinese_font(monkeypatch):
    monkeypatch.setattr(handouts, "_font_installed", lambda family: False)

    with pytest.raises(HandoutFontMissing, match="未找到中文字体 Noto Sans CJK SC"):
        handouts.render_handout(typical())


def test_the_font_check_finds_installed_fonts_only():
    assert handouts._font_installed("Noto Sans CJK SC")
    assert not handouts._font_installed("No Such Font Anywhere")


def test_the_current_handout_answers_a_pdf(client):
    version = typical()

    response = client.get(reverse("handouts:current", args=[version.procedure.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.getvalue().startswith(b"%PDF")


def test_an_earlier_version_answers_its_own_pdf(client, tmp_path):
    first = typical()
    publish_change(first, effective_from=datetime.date(2024, 6, 1), title="生育服务手册（新）")

    response = client.get(reverse("handouts:version", args=[first.procedure.slug, 1]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "第1版" in text_of(response.getvalue(), tmp_path)


def test_large_print_is_asked_for_with_large_1(client):
    version = typical()

    url = reverse("handouts:current", args=[version.procedure.slug])

    response = client.get(url, {"large": 1})

    assert response.status_code == 200
    assert "-large.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize(
    "path",
    [
        "/procedures/no-such-procedure/handout.pdf",
        "/procedures/sheng-yu-fu-wu-shou-ce/versions/9/handout.pdf",
        "/procedures/draft-only/handout.pdf",
        "/procedures/draft-only/versions/1/handout.pdf",
    ],
)
def test_it_answers_404_for_what_is_not_on_record(client, path):
    typical()
    make_draft("尚未发布的事项", slug="draft-only")

    assert client.get(path).status_code == 404


def test_without_the_chinese_font_the_view_answers_503_with_the_reason(client, monkeypatch):
    monkeypatch.setattr(handouts, "_font_installed", lambda family: False)
    version = typical()

    response = client.get(reverse("handouts:current", args=[version.procedure.slug]))

    assert response.status_code == 503
    assert "请安装 fonts-noto-cjk" in response.content.decode()


def counting_renders(monkeypatch) -> list[bool]:
    """Record the `large` flag of every real render, and still render."""
    calls = []
    render = handouts.render_handout

    def counted(version, *, large=False, **kwargs):
        calls.append(large)
        return render(version, large=large, **kwargs)

    monkeypatch.setattr(handouts, "render_handout", counted)
    return calls


def stored_key(version) -> str:
    return handouts.storage_key(
        version, large=False, hall=HallSettings.load(), printed_on=timezone.localdate()
    )


def test_a_superseded_handout_is_marked_as_such(tmp_path):
    first = typical()
    publish_change(first, effective_from=datetime.date(2024, 6, 1))
    text = text_of(handouts.render_handout(first), tmp_path)
    assert "已废止：自2024年6月1日起不再施行" in text


def test_a_handout_of_a_version_not_yet_in_force_says_from_when(tmp_path):
    later = timezone.localdate() + datetime.timedelta(days=30)
    upcoming = publish_change(typical(), effective_from=later)
    text = text_of(handouts.render_handout(upcoming), tmp_path)
    assert f"尚未施行：自{later.year}年{later.month}月{later.day}日起施行" in text


def test_the_current_handout_and_checklist_announce_a_scheduled_change(tmp_path):
    current = typical()
    later = timezone.localdate() + datetime.timedelta(days=30)
    publish_change(current, effective_from=later, change_summary="户口簿改为系统核验")
    line = f"自{later.year}年{later.month}月{later.day}日起：户口簿改为系统核验"
    assert line in text_of(handouts.render_handout(current), tmp_path)
    assert line.replace("自", "自 ", 1) in checklist_text(current)


def test_a_stored_handout_is_printed_again_once_a_change_is_announced(monkeypatch):
    current = typical()
    hall = HallSettings.load()
    today = timezone.localdate()
    before = handouts.storage_key(current, large=False, hall=hall, printed_on=today)
    publish_change(current, effective_from=today + datetime.timedelta(days=30))
    after = handouts.storage_key(current, large=False, hall=hall, printed_on=today)
    assert before != after


def test_a_handout_a_little_too_long_is_set_tighter_to_fit_one_page(tmp_path):
    """Found by growing the steps until the normal layout spills onto a second page."""
    step = {
        "title": "窗口核验",
        "body": "工作人员核对材料原件与复印件是否一致，并在系统中查询记录。",
    }
    for count in range(4, 30):
        version = make_published(
            "生育服务手册",
            slug=f"sheng-yu-{count}",
            materials=MATERIALS,
            steps=[step] * count,
            location="一楼 2 号窗口",
            phone="021-5555 0101",
        )
        context = {"version": version, "large": False, "compact": False}
        normal = handouts._layout("handouts/handout.html", _full_context(version, context))
        if len(normal.pages) > 1:
            break
    else:
        raise AssertionError("the normal layout never spilled")
    pdf = handouts.render_handout(version)
    assert page_count(pdf, tmp_path) == 1
    assert "窗口核验" in text_of(pdf, tmp_path)


def _full_context(version, context):
    from procedures.views.guides import case_of

    case = case_of(version, {})
    hall = HallSettings.load()
    return {
        **context,
        "case": case,
        "materials": handouts._material_rows(version, case),
        "steps": list(version.steps.all()),
        "hall": hall,
        "contacts": handouts._contacts(version, hall),
        "printed_on": timezone.localdate(),
        "qr_code": handouts._qr_data_uri("http://example.cn/"),
        "font_family": handouts.FONT_FAMILY,
    }
