"""Demo training data: a trainer, two new hires, their paths and what they have read.

Run after `load_demo_library` and `ensure_demo_users`. Running it again changes nothing.
"""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from procedures.models import Category, Procedure
from procedures.roles import WINDOW_STAFF
from training.models import Assignment, PathItem, ReadingPath, ReadReceipt
from training.paths import ensure_category_paths
from training.roles import TRAINERS, Account

# username, password, last name, first name, groups, admin access (to edit custom paths)
DEMO_PEOPLE = (
    ("trainer", "sopdesk-trainer", "周", "慧敏", (TRAINERS, WINDOW_STAFF), True),
    ("xinren1", "sopdesk-xinren1", "李", "思远", (WINDOW_STAFF,), False),
    ("xinren2", "sopdesk-xinren2", "陈", "佳怡", (WINDOW_STAFF,), False),
)
FIRST_WEEK = "综窗新人第一周"
FIRST_WEEK_SLUGS = (
    "sheng-yu-fu-wu-shou-ce",
    "zui-di-sheng-huo-bao-zhang",
    "can-ji-ren-zheng",
    "yi-di-jiu-yi-bei-an",
    "jiu-ye-deng-ji",
    "ju-zhu-zheng-ban-li",
)
# username → (slug, which version: "first" (older than the one in force) or "current")
RECEIPTS = {
    "xinren1": (
        ("sheng-yu-fu-wu-shou-ce", "first"),
        ("can-ji-ren-zheng", "first"),
        ("zui-di-sheng-huo-bao-zhang", "current"),
        ("jiu-ye-deng-ji", "current"),
    ),
    "xinren2": (
        ("dang-zu-zhi-guan-xi-zhuan-ru", "current"),
        ("liu-dong-dang-yuan-deng-ji", "current"),
        ("ju-zhu-zheng-ban-li", "current"),
    ),
}
# username → (path: FIRST_WEEK or the slug of a procedure whose 条线 it is, days until due)
ASSIGNMENTS = {
    "xinren1": ((FIRST_WEEK, 7), ("sheng-yu-fu-wu-shou-ce", -3)),
    "xinren2": ((FIRST_WEEK, 14), ("dang-zu-zhi-guan-xi-zhuan-ru", 10)),
}


class Command(BaseCommand):
    help = "创建培训演示数据：培训负责人、两名新员工、学习路径、分配和已读确认；已存在的不变。"

    def handle(self, *args: Any, **options: Any) -> None:
        if not Procedure.objects.public().exists():
            raise CommandError("库里还没有事项：请先运行 load_demo_library。")
        people = {row[0]: self.person(*row) for row in DEMO_PEOPLE}
        ensure_category_paths(Category.objects.all())
        first_week = self.first_week(people["trainer"])
        today = timezone.localdate()
        for username, wanted in ASSIGNMENTS.items():
            for name, days in wanted:
                path = first_week if name == FIRST_WEEK else _category_path(name)
                Assignment.objects.get_or_create(
                    user=people[username],
                    path=path,
                    defaults={
                        "due_date": today + datetime.timedelta(days=days),
                        "assigned_by": people["trainer"],
                    },
                )
        for username, receipts in RECEIPTS.items():
            for slug, which in receipts:
                self.receipt(people[username], slug, which)
        self.stdout.write(f"学习与培训演示数据已就绪。登录：{settings.SITE_URL}/training/")

    def person(
        self,
        username: str,
        password: str,
        last: str,
        first: str,
        groups: tuple[str, ...],
        admin: bool,
    ) -> Account:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"last_name": last, "first_name": first, "is_staff": admin},
        )
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(*Group.objects.filter(name__in=groups))
        state = "已创建" if created else "已存在"
        self.stdout.write(f"  {username:<10} 密码 {password:<20} {last}{first} {state}")
        return user

    def first_week(self, trainer: Account) -> ReadingPath:
        path, created = ReadingPath.objects.get_or_create(
            name=FIRST_WEEK,
            category=None,
            defaults={
                "description": "综合窗口新员工第一周：先读最常被问到的六个事项。",
                "created_by": trainer,
            },
        )
        if created:
            found = Procedure.objects.in_bulk(FIRST_WEEK_SLUGS, field_name="slug")
            PathItem.objects.bulk_create(
                PathItem(path=path, procedure=found[slug], position=index)
                for index, slug in enumerate(FIRST_WEEK_SLUGS, start=1)
                if slug in found
            )
        return path

    def receipt(self, user: Account, slug: str, which: str) -> None:
        procedure = Procedure.objects.filter(slug=slug).first()
        current = procedure.current_version() if procedure else None
        if procedure is None or current is None:
            return
        first = procedure.versions.enacted().order_by("number").first()
        version = current if which == "current" or first is None else first
        ReadReceipt.objects.get_or_create(
            user=user,
            version=version,
            defaults={
                "procedure": procedure,
                "read_at": timezone.now() - datetime.timedelta(days=20),
            },
        )


def _category_path(slug: str) -> ReadingPath:
    return ReadingPath.objects.get(category__procedures__slug=slug)
