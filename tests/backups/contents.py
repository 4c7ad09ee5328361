"""The library the backup tests work on, and a snapshot of it to compare after a restore."""

import datetime
from pathlib import Path

from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from hall.models import DailyViews, HallSettings
from procedures import publishing, reviews
from procedures.models import BatchChange, MaterialKind, Procedure, ReviewRules
from procedures.roles import EDITORS, PUBLISHERS, WINDOW_STAFF
from search.models import Referral, SearchMiss, Synonym
from tests.backups.practice_contents import add_practice_rows
from tests.factories import (
    FLOW_QUESTIONS,
    make_category,
    make_flow_published,
    make_published,
    make_user,
    publish_change,
    when,
)

IMAGE = "markdownx/3f2a9c.png"


def media_sizes(media_root: Path) -> dict[str, int]:
    """Every media file under `media_root` (the image above, the forms' files): name → size."""
    return {
        str(path.relative_to(media_root)): path.stat().st_size
        for path in sorted(media_root.rglob("*"))
        if path.is_file()
    }


IMAGE_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def build_library(media_root: Path) -> None:
    """Three procedures with two versions or more, a draft, a future version, users, an image,
    and at least one row of every model a backup holds (test_coverage checks that)."""
    today = timezone.localdate()
    publisher = make_user("publisher", PUBLISHERS)
    editor = make_user("editor", EDITORS, email="editor@example.cn")
    make_user("staff", WINDOW_STAFF, first_name="小王")
    admin = make_user("admin", is_staff=True, is_superuser=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    # The catalogue matches the factories' materials to it by name.
    MaterialKind.objects.create(
        name="居民身份证",
        aliases=["身份证", "二代证"],
        issuer="公安机关",
        electronic=True,
        note="可用电子身份证核验",
    )

    birth = make_published("生育服务手册", by=publisher, aliases=["准生证"])
    publish_change(birth, effective_from=datetime.date(2024, 6, 1), by=publisher, summary="新规")
    pension = make_published("城乡居民养老保险参保登记", by=publisher)
    publish_change(pension, effective_from=today + datetime.timedelta(days=30), by=publisher)
    draft = publishing.create_draft(pension.procedure, by=editor)
    draft = publishing.save_draft(
        draft, content={"summary": "草稿里的改动"}, expected_revision=draft.revision, by=editor
    )
    reviews.submit_for_review(draft, by=editor, change_summary="简介改写")
    reviews.send_back(draft, by=publisher, comment="依据文件请写全称")
    BatchChange.objects.create(
        kind=MaterialKind.objects.get(name="居民身份证"),
        operation=BatchChange.Operation.CONDITIONAL,
        condition="无法电子核验的",
        change_summary="身份证改为电子核验",
        created_by=editor,
    )
    ReviewRules.objects.create(pk=1, allow_self_approval=True)
    relief = make_published("临时救助申请", by=publisher, category=make_category("社会救助"))
    publish_change(relief, effective_from=datetime.date(2024, 3, 1), by=publisher, fee="免费")
    publishing.retire_procedure(relief.procedure, by=publisher, reason="并入最低生活保障")

    # 情形引导 and 一件事: questions, a conditional material, members and a test case.
    guided = make_flow_published("居住证办理", by=publisher, category=make_category("户籍"))
    make_published(
        "开办餐饮店",
        kind="bundle",
        by=publisher,
        questions=(FLOW_QUESTIONS[0],),
        members=(
            {"target": birth.procedure},
            {"target": guided.procedure, "when": when("户籍", "外地户籍"), "note": "外地户籍的"},
        ),
        cases=(
            {
                "name": "外地户籍",
                "answers": [{"question": "户籍", "option": "外地户籍"}],
                "materials": [],
            },
        ),
    )

    HallSettings.objects.create(pk=1, name="幸福街道便民服务中心")
    DailyViews.objects.create(procedure=birth.procedure, day=today, count=7)
    Synonym.objects.create(words="临时救助 急难救助")
    SearchMiss.objects.create(query="办证", count=3)
    Referral.objects.create(
        title="住房公积金提取", keywords=["公积金"], where="市住房公积金管理中心", phone="12329"
    )
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(HallSettings),
        object_id="1",
        object_repr="幸福街道便民服务中心",
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["服务中心名称"]}}]',
    )
    image = media_root / IMAGE
    image.parent.mkdir(parents=True)
    image.write_bytes(IMAGE_BYTES)
    add_practice_rows()
    from tests.backups.training_contents import add_training_rows

    add_training_rows()
    from tests.backups.upkeep_contents import add_upkeep_rows

    add_upkeep_rows()
    from tests.backups.forms_contents import add_form_rows

    add_form_rows()


def snapshot(media_root: Path) -> dict:
    """Every row of the procedures app, users with groups and permissions, and the media files."""
    users = get_user_model().objects.order_by("username")
    return {
        "rows": {
            model._meta.label: list(model.objects.order_by("pk").values())
            for model in apps.get_app_config("procedures").get_models()
        },
        "published_by": list(
            Procedure.objects.order_by("slug", "versions__pk").values_list(
                "slug",
                "versions__number",
                "versions__status",
                "versions__effective_from",
                "versions__published_by__username",
            )
        ),
        "users": [
            (
                user.username,
                user.password,
                user.email,
                user.first_name,
                user.is_staff,
                user.is_superuser,
                user.date_joined,
                sorted(user.groups.values_list("name", flat=True)),
                sorted(user.user_permissions.values_list("codename", flat=True)),
            )
            for user in users
        ],
        "groups": {
            group.name: sorted(group.permissions.values_list("content_type__model", "codename"))
            for group in Group.objects.all()
        },
        "media": {
            file.relative_to(media_root).as_posix(): file.read_bytes()
            for file in media_root.rglob("*")
            if file.is_file()
        },
    }
