"""Give a demo database of the previous main (e1a8cef) the data a service hall in use has.

Run with the OLD code, from the root of its tree, after `migrate`, `load_demo_library` and
`ensure_demo_users`:

    cd <old tree> && python <this file>

It uses the old API only: version content is written through `procedures.publishing`, the
rest through the old models (which all lived in `procedures` then).
"""

import datetime
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sopdesk.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import authenticate, get_user_model  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402

from procedures import publishing  # noqa: E402
from procedures.models import (  # noqa: E402
    DailyViews,
    HallSettings,
    Procedure,
    SearchMiss,
    Synonym,
)

TODAY = timezone.localdate()
users = {user.username: user for user in get_user_model().objects.all()}
editor, publisher = users["editor"], users["publisher"]


def procedure(slug: str) -> Procedure:
    return Procedure.objects.get(slug=slug)


def parts_of(version) -> dict[str, list[dict]]:
    return {
        "materials": list(
            version.materials.values("name", "form", "copies", "required", "condition", "note")
        ),
        "steps": list(version.steps.values("title", "body", "staff_note")),
        "faqs": list(version.faqs.values("question", "answer")),
    }


def leave_an_edited_draft() -> None:
    """An editor's work in progress: new wording, one more material, a changed step."""
    draft = publishing.create_draft(procedure("ju-zhu-zheng-ban-li"), by=editor)
    parts = parts_of(draft)
    parts["materials"].append(
        {
            "name": "房屋租赁合同（已登记备案）",
            "form": "original_and_copy",
            "copies": 1,
            "required": False,
            "condition": "租房居住的",
            "note": "草稿新增：待科室确认",
        }
    )
    parts["steps"][0]["body"] += "\n\n**草稿修改：** 线上预约后凭短信到 3 号窗口。"
    publishing.save_draft(
        draft,
        content={
            "summary": draft.summary + "（草稿：拟增加租房材料）",
            "fee": "免费",
            "change_summary": "增加租房居住所需材料（待审核）",
            "effective_from": TODAY + datetime.timedelta(days=60),
        },
        parts=parts,
        expected_revision=draft.revision,
        by=editor,
    )


def publish_an_upcoming_version() -> None:
    """A new version published today that takes effect next month."""
    draft = publishing.create_draft(procedure("lin-shi-jiu-zhu"), by=editor)
    draft = publishing.save_draft(
        draft,
        content={"hours": "周一至周五 9:00—17:00（急难情形随时受理）"},
        expected_revision=draft.revision,
        by=editor,
    )
    publishing.publish_version(
        draft,
        by=publisher,
        change_summary="急难情形随时受理",
        effective_from=TODAY + datetime.timedelta(days=30),
    )


def change_details_and_retire() -> None:
    hu_kou = procedure("hu-kou-qian-ru")
    publishing.update_procedure_details(
        hu_kou,
        category=hu_kou.category,
        code=hu_kou.code,
        aliases=[*hu_kou.aliases, "落户本街道"],
        by=editor,
    )
    publishing.retire_procedure(
        procedure("du-sheng-zi-nv-fu-mu-guang-rong-zheng"),
        by=publisher,
        reason="上级通知：本事项并入奖励扶助，停止单独受理",
    )


def add_search_data() -> None:
    Synonym.objects.create(words="居住证 暂住证", note="暂住证是旧称")
    Synonym.objects.create(words="光荣牌 光荣牌匾 挂牌")
    for query, count, days_ago in (("电动车上牌", 7, 1), ("暂住证 补办", 3, 4), ("公租房", 1, 9)):
        miss = SearchMiss.objects.create(query=query, count=count)
        SearchMiss.objects.filter(pk=miss.pk).update(
            last_seen=timezone.now() - datetime.timedelta(days=days_ago)
        )


def add_page_views() -> None:
    slugs = [
        "ju-zhu-zheng-ban-li",
        "hu-kou-qian-ru",
        "zui-di-sheng-huo-bao-zhang",
        "jiu-ye-deng-ji",
    ]
    DailyViews.objects.bulk_create(
        DailyViews(
            procedure=procedure(slug),
            day=TODAY - datetime.timedelta(days=days_ago),
            count=(rank + 1) * 11 + days_ago * 3,
        )
        for rank, slug in enumerate(slugs)
        for days_ago in range(6)
    )


def name_the_hall() -> None:
    hall = HallSettings.load()
    hall.name = "和平街道社区事务受理服务中心"
    hall.address = "和平路 12 号（地铁 2 号线和平路站 3 号口）"
    hall.save()


def fail_some_logins() -> None:
    """Someone mistyping a password at the counter: the old throttle keeps LoginFailure rows."""
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.1.2.3")
    for password in ("sopdesk", "123456"):
        assert authenticate(request, username="zhangsan", password=password) is None


leave_an_edited_draft()
publish_an_upcoming_version()
change_details_and_retire()
add_search_data()
add_page_views()
name_the_hall()
fail_some_logins()
print("seeded: a draft, an upcoming version, a retired procedure, synonyms, misses, views")
