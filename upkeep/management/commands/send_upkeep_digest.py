from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from upkeep.digest import send_digests


class Command(BaseCommand):
    help = "给有待处理事项的人发送每日汇总提醒邮件（每人每天最多一封）。请每天由定时任务运行一次。"

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.EMAIL_CONFIGURED:
            self.stdout.write(
                "未配置邮件服务器（EMAIL_HOST）：不发送邮件，提醒只显示在首页和“待处理”里。"
            )
            return
        outcome = send_digests()
        self.stdout.write(
            f"已发送 {outcome.sent} 封；今天已发过 {outcome.already} 人；"
            f"没有待处理 {outcome.nothing} 人；发送失败 {outcome.failed} 人（下次运行重试）。"
        )
