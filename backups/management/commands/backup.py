from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from backups.archive import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "把全部数据（事项的全部版本、材料目录、搜索同义词、服务中心信息和浏览统计、"
        "用户和用户组、操作记录）和上传的图片备份到一个 .tar.gz 文件。"
        "搜索索引和存下的告知单 PDF 不备份：需要时会重新生成。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="备份文件，如 sopdesk-2025-06-01.tar.gz")

    def handle(self, *args: Any, out: Path, **options: Any) -> None:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            raise CommandError(
                f"数据库还没有迁移到当前版本（还有 {len(pending)} 个迁移未执行），"
                "没有可以备份的完整数据：请先运行 python manage.py migrate。"
            )
        try:
            summary = create_backup(out)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"已备份到 {out}：{summary.describe()}")
