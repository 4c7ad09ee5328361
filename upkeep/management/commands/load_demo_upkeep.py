from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from procedures.models import Category
from upkeep.models import CategoryUpkeep


class Command(BaseCommand):
    help = "演示：每个业务条线由演示编辑负责、演示审核发布人员备份（已设置的条线不变）。"

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects
        owner = users.filter(username="editor").first()
        backup = users.filter(username="publisher").first()
        made = 0
        for category in Category.objects.all():
            _, created = CategoryUpkeep.objects.get_or_create(
                category=category, defaults={"owner": owner, "backup": backup}
            )
            made += created
        self.stdout.write(f"条线负责人：新设 {made} 个条线（负责人 editor，备份 publisher）。")
