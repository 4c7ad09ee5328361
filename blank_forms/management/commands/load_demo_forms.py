from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from blank_forms.demo import load_demo_forms


class Command(BaseCommand):
    help = "演示：为演示事项的申请表附上空白表格和填写示例（已附上的不重复）。"

    def handle(self, *args: Any, **options: Any) -> None:
        editor = get_user_model().objects.filter(username="editor").first()
        if editor is None:
            self.stdout.write("没有演示编辑 editor：先运行 ensure_demo_users。")
            return
        made = load_demo_forms(editor)
        self.stdout.write(f"表格与样表：新附上 {made} 份。")
