from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from procedures.models import Procedure

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"


class Command(BaseCommand):
    help = (
        "把 fixtures/demo 里的演示库按阶段（1-initial、2-changes …）依次导入并发布，"
        "从而带上多个历史版本。库里已有事项时什么都不做。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if Procedure.objects.exists():
            self.stdout.write("库里已有事项，跳过演示库。")
            return
        for stage in sorted(path for path in DEMO_DIR.iterdir() if path.is_dir()):
            self.stdout.write(f"导入演示库 {stage.name} …")
            call_command("import_procedures", str(stage), publish=True, stdout=self.stdout)
