from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from backups.archive import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "用 manage.py backup 写出的备份替换数据库的全部内容（事项、版本、材料目录、"
        "用户和用户组等）和上传的图片，然后重建搜索索引。先核对备份的签名、检查整个备份，"
        "有任何问题就什么都不改。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="manage.py backup 写出的 .tar.gz 文件")
        parser.add_argument(
            "--yes",
            "--force",
            dest="replace",
            action="store_true",
            help="数据库里已有事项或用户时，确认删除它们、换成备份的内容",
        )
        parser.add_argument(
            "--accept-unsigned",
            action="store_true",
            help="也恢复没有签名（旧版 SOPDesk 写出）或用另一个密钥签名的备份："
            "只用于确知来自你们自己系统、没有被人改过的文件",
        )

    def handle(
        self, *args: Any, archive: Path, replace: bool, accept_unsigned: bool, **options: Any
    ) -> None:
        try:
            summary = restore_backup(archive, replace=replace, accept_unsigned=accept_unsigned)
        except BackupError as error:
            raise CommandError(f"{error}\n本次没有恢复任何内容，数据库和图片都没有改动。") from None
        if accept_unsigned:
            self.stderr.write(self.style.WARNING(unsigned_warning(summary.unverified)))
        created = timezone.localtime(summary.created_at).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(f"已恢复 {created} 的备份：{summary.describe()}")
        self.stdout.write("搜索索引已重建；告知单会在下次打印时重新生成。")


def unsigned_warning(unverified: str | None) -> str:
    if unverified is None:
        return "警告：加了 --accept-unsigned，但这个备份的签名核对无误，以后不必加。"
    return (
        f"警告：{unverified}\n因为加了 --accept-unsigned，仍然恢复了它："
        "它的内容没有经过本机密钥的核对，只校验了它与自己的 manifest.json 是否一致。"
    )
