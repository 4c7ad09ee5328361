from pathlib import Path

from django.core.management.base import BaseCommand

from procedures.library import export_library


class Command(BaseCommand):
    help = "把每个事项现行施行的版本导出为 YAML 文件（OUTDIR/<slug>.yaml），格式与导入相同。"

    def add_arguments(self, parser):
        parser.add_argument("outdir", type=Path)

    def handle(self, *args, outdir: Path, **options):
        written = export_library(outdir)
        self.stdout.write(f"已导出 {len(written)} 个事项到 {outdir}")
