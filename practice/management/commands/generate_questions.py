from typing import Any

from django.core.management.base import BaseCommand

from practice import question_bank


class Command(BaseCommand):
    help = "按每个事项的现行版本（重新）生成题库；可重复运行，未变的题目保持不变。"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = question_bank.refresh_all()
        for name, label in question_bank.GENERATOR_LABELS.items():
            self.stdout.write(f"{label}：{counts[name]} 题")
        self.stdout.write(f"共 {sum(counts.values())} 题")
