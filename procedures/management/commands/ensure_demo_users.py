from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from procedures.roles import EDITORS, PUBLISHERS, WINDOW_STAFF

# Logins for a demo on one's own machine; `make run` prints them.
DEMO_USERS = (
    ("admin", "sopdesk-admin", None, True),
    ("staff", "sopdesk-staff", WINDOW_STAFF, False),
    ("editor", "sopdesk-editor", EDITORS, False),
    ("publisher", "sopdesk-publisher", PUBLISHERS, False),
)


class Command(BaseCommand):
    help = "创建演示账号（管理员、窗口人员、编辑、审核发布），已存在的不变。"

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        for username, password, group_name, is_superuser in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                # Window staff work in the public pages; only editors need the admin.
                defaults={"is_staff": group_name != WINDOW_STAFF, "is_superuser": is_superuser},
            )
            if created:
                user.set_password(password)
                user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            state = "已创建" if created else "已存在"
            self.stdout.write(f"  {username:<10} 密码 {password:<20} {state}")
        self.stdout.write("登录：http://127.0.0.1:8000/admin/")
