from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from procedures.exceptions import ProcedureError
from procedures.library import export_library


class Command(BaseCommand):
    help = "把每个事项现行施行的版本导出为 YAML 文件（OUTDIR/<slug>.yaml），格式与导入相同。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("outdir", type=Path)

    def handle(self, *args: Any, outdir: Path, **options: Any) -> None:
        try:
            written = export_library(outdir)
        except ProcedureError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"已导出 {len(written)} 个事项到 {outdir}")
