"""The index follows the library: what is in force, on which days, after every change."""

import datetime

import pytest
from django.core.management import call_command

from procedures import publishing
from search import indexing
from search.models import SearchEntry
from tests.factories import make_draft, make_published, publish_change
from tests.search.conftest import slugs

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_windows_run_until_a_later_version_takes_effect(today):
    windows = indexing.in_force_windows(
        [(1, 1, today - 9 * DAY), (2, 2, today + 5 * DAY)], today=today
    )
    assert windows == {1: (today - 9 * DAY, today + 5 * DAY), 2: (today + 5 * DAY, None)}


def test_windows_leave_out_versions_no_longer_in_force(today):
    windows = indexing.in_force_windows([(1, 1, today - 9 * DAY), (2, 2, today)], today=today)
    assert windows == {2: (today, None)}


def test_windows_leave_out_a_version_overtaken_before_it_started(today):
    windows = indexing.in_force_windows(
        [(1, 1, today - 9 * DAY), (2, 2, today + 9 * DAY), (3, 3, today + 2 * DAY)], today=today
    )
    assert set(windows) == {1, 3}


def test_publishing_makes_a_procedure_findable():
    make_published("独生子女父母光荣证")
    assert slugs("光荣证") == ["du-sheng-zi-nv-fu-mu-guang-rong-zheng"]


def test_drafts_are_never_found():
    make_draft("独生子女父母光荣证")
    assert slugs("光荣证") == []


def test_a_version_dated_in_the_future_is_found_from_its_date_on(today):
    first = make_published("失业登记", summary="到窗口排队")
    publish_change(first, effective_from=today + 3 * DAY, summary="在一网通办申请")
    assert slugs("一网通办") == []
    assert slugs("一网通办", on=today + 3 * DAY) == ["shi-ye-deng-ji"]
    assert slugs("排队", on=today + 3 * DAY) == []
    assert slugs("排队") == ["shi-ye-deng-ji"]


def test_a_procedure_not_yet_in_force_is_not_found(today):
    make_published("失业登记", effective_from=today + DAY)
    assert slugs("失业登记") == []
    assert slugs("失业登记", on=today + DAY) == ["shi-ye-deng-ji"]


def test_a_retired_procedure_is_not_found():
    version = make_published("失业登记")
    publishing.retire_procedure(version.procedure, by=None, reason="事项取消")
    assert slugs("失业登记") == []
    assert not SearchEntry.objects.exists()


def test_changing_aliases_reindexes_the_procedure():
    version = make_published("生育服务手册")
    publishing.update_procedure_details(
        version.procedure, category=version.procedure.category, code="", aliases=["准生证"], by=None
    )
    assert slugs("准生证") == ["sheng-yu-fu-wu-shou-ce"]


def test_rebuild_command_indexes_every_procedure_in_force(capsys):
    make_published("生育服务手册")
    make_published("失业登记")
    SearchEntry.objects.all().delete()
    call_command("rebuild_search_index")
    assert "已索引 2 个版本" in capsys.readouterr().out
    assert slugs("失业") == ["shi-ye-deng-ji"]


def test_an_import_indexes_all_it_publishes(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "- title: 失业登记\n  aliases: [办失业]\n- title: 生育服务手册\n", encoding="utf-8"
    )
    call_command("import_procedures", str(tmp_path), publish=True, stdout=None)
    assert slugs("办失业") == ["shi-ye-deng-ji"]
    assert SearchEntry.objects.count() == 2


def test_opening_hours_are_not_searched_but_a_phone_number_is():
    """Every item of a hall has the same hours: 9:00 (or %00%) found them all."""
    make_published("残疾人证", hours="周一至周五 9:00—17:00", phone="021-5555 0106")
    make_published("高龄老人津贴", hours="周一至周五 9:00—17:00", phone="021-5555 0107")
    assert slugs("9:00") == slugs("%00%") == []
    assert slugs("0106") == ["can-ji-ren-zheng"]
