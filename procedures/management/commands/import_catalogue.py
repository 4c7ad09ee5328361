import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from procedures.catalogue_import import CatalogueSummary, Progress, import_catalogue
from procedures.exceptions import ImportFormatError, ImportStopped, ProcedureError

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Command(BaseCommand):
    help = (
        "导入官方事项目录（CSV、XLSX 或 JSON）：每个事项建成一个只有名称的事项（待完善），"
        "已有的事项只补上缺少的事项编码和办事指南链接；先检查全部行，任何一行有错，本次什么都不导入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help=".csv、.xlsx 或 .json 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入")
        parser.add_argument("--by", metavar="USERNAME", help="记录为哪个用户的操作")

    def handle(self, *args: Any, path: Path, dry_run: bool, by: str | None, **options: Any) -> None:
        user = self._user(by)
        try:
            summary = import_catalogue(
                path, dry_run=dry_run, by=user, progress=None if dry_run else self._progress()
            )
        except ImportFormatError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"拒绝 {error.rejected} 行，共 {len(error.problems)} 个问题；本次没有导入任何内容。"
            ) from None
        except ImportStopped as error:
            raise CommandError(
                f"导入在事项{error.record}处停止：{error}\n"
                f"它之前的 {error.imported} 个事项已经写入。处理好这个问题后，用同一个文件再运行"
                "一次：已写入的事项会计为“已有”，其余的继续导入。"
            ) from None
        except ProcedureError as error:
            raise CommandError(f"{error}（本次没有导入任何内容）") from None
        self._write_summary(summary, dry_run=dry_run)

    def _user(self, username: str | None) -> "User | None":
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在。")
        return user

    def _progress(self) -> Progress | None:
        if not sys.stdout.isatty() or self.stdout._out is not sys.stdout:
            return None

        def show(done: int, total: int) -> None:
            end = "\n" if done == total else ""
            self.stdout.write(f"\r写入中 {done}/{total}（{done * 100 // total}%）", ending=end)
            self.stdout.flush()

        return show

    def _write_summary(self, summary: CatalogueSummary, *, dry_run: bool) -> None:
        for skipped in summary.skipped:
            self.stdout.write(f"跳过 {skipped}")
        if summary.unused_columns:
            self.stdout.write(f"未使用的列：{'、'.join(summary.unused_columns)}")
        prefix = "试运行（没有写入任何内容）：将" if dry_run else ""
        self.stdout.write(
            f"{prefix}新建 {len(summary.created)}，已有 {len(summary.existing)}，"
            f"跳过 {len(summary.skipped)}，问题 0"
        )
        if summary.filled:
            filled = len(summary.filled)
            self.stdout.write(f"（其中 {filled} 个已有事项补上了事项编码或办事指南链接）")
        self.stdout.write(f"目录中的事项有 {summary.awaiting} 个待完善（还没有申请材料和办理步骤）")
