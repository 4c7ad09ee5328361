import sys
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from procedures.exceptions import ImportFormatError, ImportStopped, ProcedureError
from procedures.library import ImportSummary, Progress, import_library

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Command(BaseCommand):
    help = (
        "导入 YAML 格式的办事指南库（文件或文件夹）。"
        "已有的事项生成新草稿，加 --publish 则直接发布新版本；"
        "先检查全部事项，任何一个有错，本次什么都不导入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help=".yaml/.yml 文件或文件夹（递归读取）")
        parser.add_argument("--publish", action="store_true", help="直接发布，而不是只生成草稿")
        parser.add_argument("--by", metavar="USERNAME", help="记录为哪个用户的操作")

    def handle(
        self, *args: Any, paths: list[str], publish: bool, by: str | None, **options: Any
    ) -> None:
        user = self._user(by)
        try:
            summary = import_library(paths, publish=publish, by=user, progress=self._progress())
        except ImportFormatError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"拒绝 {error.rejected} 个事项，共 {len(error.problems)} 个问题；"
                "本次没有导入任何内容。"
            ) from None
        except ImportStopped as error:
            raise CommandError(
                f"导入在事项{error.record}处停止：{error}\n"
                f"它之前的 {error.imported} 个事项已经导入，它和之后的事项没有导入。"
                "处理好这个问题后，用同样的文件再运行一次：已导入的事项会计为“未变”，"
                "其余的继续导入。"
            ) from None
        except ProcedureError as error:
            raise CommandError(f"{error}（本次没有导入任何内容）") from None
        self._write_summary(summary)

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
        step = 1

        def show(done: int, total: int) -> None:
            nonlocal step
            step = max(1, total // 200)
            if done % step == 0 or done == total:
                end = "\n" if done == total else ""
                self.stdout.write(f"\r导入中 {done}/{total}（{done * 100 // total}%）", ending=end)
                self.stdout.flush()

        return show

    def _write_summary(self, summary: ImportSummary) -> None:
        self.stdout.write(
            f"新建 {len(summary.created)}，新版本 {len(summary.new_versions)}，"
            f"未变 {len(summary.unchanged)}，拒绝 0"
        )
        if summary.details_updated:
            count = len(summary.details_updated)
            self.stdout.write(f"（其中 {count} 个事项更新了条线、编码或别名）")
