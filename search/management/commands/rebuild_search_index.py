from django.core.management.base import BaseCommand

from search.indexing import rebuild_index


class Command(BaseCommand):
    help = "重建搜索索引：每个事项施行中的版本和已发布、将要施行的版本。"

    def handle(self, *args: object, **options: object) -> None:
        written = rebuild_index()
        self.stdout.write(f"已索引 {written} 个版本。")
