import datetime
import hashlib
import io
import json
import tarfile
from pathlib import Path, PurePosixPath

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from backups.archive import BackupError, create_backup, restore_backup
from hall.models import DailyViews, HallSettings
from procedures import publishing
from procedures.models import Procedure, ProcedureVersion, Step
from procedures.roles import EDITORS, PUBLISHERS, WINDOW_STAFF
from search.models import SearchMiss, Synonym
from tests.factories import make_category, make_published, make_user, publish_change

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
IMAGE = "markdownx/3f2a9c.png"
IMAGE_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


@pytest.fixture
def library(settings) -> Path:
    """Three procedures with two versions or more, a draft, a future version, users and an image."""
    publisher = make_user("publisher", PUBLISHERS)
    editor = make_user("editor", EDITORS, email="editor@example.cn")
    make_user("staff", WINDOW_STAFF, first_name="小王")
    make_user("admin", is_staff=True, is_superuser=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_auditevent"))

    birth = make_published("生育服务手册", by=publisher, aliases=["准生证"])
    publish_change(birth, effective_from=datetime.date(2024, 6, 1), by=publisher, summary="新规")
    pension = make_published("城乡居民养老保险参保登记", by=publisher)
    publish_change(pension, effective_from=TODAY + datetime.timedelta(days=30), by=publisher)
    draft = publishing.create_draft(pension.procedure, by=editor)
    publishing.save_draft(
        draft, content={"summary": "草稿里的改动"}, expected_revision=draft.revision, by=editor
    )
    relief = make_published("临时救助申请", by=publisher, category=make_category("社会救助"))
    publish_change(relief, effective_from=datetime.date(2024, 3, 1), by=publisher, fee="免费")
    publishing.retire_procedure(relief.procedure, by=publisher, reason="并入最低生活保障")

    HallSettings.objects.create(pk=1, name="幸福街道便民服务中心")
    DailyViews.objects.create(procedure=birth.procedure, day=TODAY, count=7)
    Synonym.objects.create(words="临时救助 急难救助")
    SearchMiss.objects.create(query="办证", count=3)
    image = Path(settings.MEDIA_ROOT) / IMAGE
    image.parent.mkdir(parents=True)
    image.write_bytes(IMAGE_BYTES)
    return Path(settings.MEDIA_ROOT)


def snapshot(media_root: Path) -> dict:
    """Every row of the procedures app, users with groups and permissions, and the media files."""
    users = get_user_model().objects.order_by("username")
    return {
        "rows": {
            model._meta.label: list(model.objects.order_by("pk").values())
            for model in apps.get_app_config("procedures").get_models()
        },
        "published_by": list(
            Procedure.objects.order_by("slug", "versions__pk").values_list(
                "slug",
                "versions__number",
                "versions__status",
                "versions__effective_from",
                "versions__published_by__username",
            )
        ),
        "users": [
            (
                user.username,
                user.password,
                user.email,
                user.first_name,
                user.is_staff,
                user.is_superuser,
                user.date_joined,
                sorted(user.groups.values_list("name", flat=True)),
                sorted(user.user_permissions.values_list("codename", flat=True)),
            )
            for user in users
        ],
        "groups": {
            group.name: sorted(group.permissions.values_list("content_type__model", "codename"))
            for group in Group.objects.all()
        },
        "media": {
            file.relative_to(media_root).as_posix(): file.read_bytes()
            for file in media_root.rglob("*")
            if file.is_file()
        },
    }


def rewrite(archive: Path, name: str, change) -> Path:
    """A copy of `archive` with member `name`'s bytes passed through `change`."""
    copy = archive.with_name(f"changed-{PurePosixPath(name).name}-{archive.name}")
    with tarfile.open(archive, "r:gz") as source, tarfile.open(copy, "w:gz") as target:
        for member in source:
            content = source.extractfile(member).read()
            if member.name == name:
                content = change(content)
                member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    return copy


def with_manifest(archive: Path, **fields) -> Path:
    def change(content: bytes) -> bytes:
        return json.dumps({**json.loads(content), **fields}).encode()

    return rewrite(archive, "manifest.json", change)


@pytest.fixture
def archive(library, tmp_path) -> Path:
    path = tmp_path / "backup.tar.gz"
    create_backup(path)
    return path


@pytest.fixture
def forget_content_type_ids():
    yield
    # The flush gave content types new ids, which the test's rollback takes back.
    ContentType.objects.clear_cache()


def test_a_restore_after_a_wipe_brings_back_everything(
    library, tmp_path, django_capture_on_commit_callbacks, forget_content_type_ids
):
    before = snapshot(library)
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    # Settle the foreign key checks the fixture left pending: PostgreSQL's flush needs that.
    connection.check_constraints()
    call_command("flush", interactive=False)
    (library / IMAGE).unlink()
    assert not Group.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        summary = restore_backup(archive, replace=False)

    assert snapshot(library) == before
    assert summary.counts["procedures.procedureversion"] == 7
    assert summary.media_files == 1


def test_replacing_drops_what_was_added_after_the_backup(
    archive, library, django_capture_on_commit_callbacks
):
    before = snapshot(library)
    make_published("新增的事项")
    make_user("newcomer", EDITORS)
    (library / "markdownx" / "later.png").write_bytes(b"later")

    with django_capture_on_commit_callbacks(execute=True):
        restore_backup(archive, replace=True)

    assert snapshot(library) == before


def test_it_refuses_to_replace_existing_content_unless_told_to(archive, library):
    before = snapshot(library)
    with pytest.raises(BackupError, match="已有内容.*--yes"):
        restore_backup(archive, replace=False)
    assert snapshot(library) == before


def test_it_refuses_a_tampered_backup_and_changes_nothing(archive, library):
    tampered = rewrite(archive, "data.json", lambda data: data.replace("生育".encode(), b"xx"))
    before = snapshot(library)
    with pytest.raises(BackupError, match="data.json 与 manifest.json 里的校验和不符"):
        restore_backup(tampered, replace=True)
    assert snapshot(library) == before


def test_it_refuses_a_changed_image(archive, library):
    tampered = rewrite(archive, f"media/{IMAGE}", lambda image: image[:-1] + b"!")
    with pytest.raises(BackupError, match=f"媒体文件.*{IMAGE}"):
        restore_backup(tampered, replace=True)
    assert (library / IMAGE).read_bytes() == IMAGE_BYTES


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"PK\x03\x04 a zip file, say", "读取备份文件 .* 时出错"),
        (b"", "读取备份文件 .* 时出错"),
    ],
)
def test_it_refuses_a_file_that_is_not_a_backup(library, tmp_path, content, problem):
    path = tmp_path / "other.tar.gz"
    path.write_bytes(content)
    with pytest.raises(BackupError, match=problem):
        restore_backup(path, replace=True)


def test_it_refuses_an_archive_without_a_manifest(library, tmp_path):
    path = tmp_path / "other.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("notes.txt"), io.BytesIO())
    with pytest.raises(BackupError, match="不该有的内容：notes.txt"):
        restore_backup(path, replace=True)


def test_it_refuses_a_member_outside_media(archive, library):
    with tarfile.open(archive, "r:gz") as source:
        members = [(member, source.extractfile(member).read()) for member in source]
    escaping = archive.with_name("escaping.tar.gz")
    with tarfile.open(escaping, "w:gz") as target:
        for member, content in members:
            target.addfile(member, io.BytesIO(content))
        info = tarfile.TarInfo("media/../../evil.txt")
        target.addfile(info, io.BytesIO())
    with pytest.raises(BackupError, match="不该有的内容"):
        restore_backup(escaping, replace=True)
    assert not (library.parent.parent / "evil.txt").exists()


def test_it_refuses_another_format(archive, library):
    with pytest.raises(BackupError, match="不是 SOPDesk 的备份文件"):
        restore_backup(with_manifest(archive, format="other-app"), replace=True)
    with pytest.raises(BackupError, match="格式版本是 2"):
        restore_backup(with_manifest(archive, format_version=2), replace=True)


@pytest.mark.parametrize(
    "migration, advice",
    [
        ("0005_daily_views", "请先运行 python manage.py migrate procedures 0005_daily_views"),
        ("0099_future", "没有迁移 0099_future"),
    ],
)
def test_it_refuses_a_backup_from_other_migrations(archive, library, migration, advice):
    with tarfile.open(archive, "r:gz") as tar:
        migrations = json.load(tar.extractfile("manifest.json"))["migrations"]
    other = with_manifest(archive, migrations={**migrations, "procedures": migration})
    before = snapshot(library)
    with pytest.raises(BackupError, match=f"procedures：备份在 {migration}.*{advice}"):
        restore_backup(other, replace=True)
    assert snapshot(library) == before


def test_published_versions_stay_immutable_after_a_restore(archive, library):
    restore_backup(archive, replace=True)
    version = Procedure.objects.get(slug__startswith="sheng").latest_version
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedureVersion.objects.filter(pk=version.pk).update(title="改过的名称")
    with pytest.raises(IntegrityError), transaction.atomic():
        Step.objects.bulk_create([Step(version=version, title="多出来的步骤")])


def test_rows_that_do_not_fit_are_rolled_back_with_the_triggers_in_place(archive, library):
    def point_a_step_nowhere(data: bytes) -> bytes:
        rows = json.loads(data)
        next(row for row in rows if row["model"] == "procedures.step")["fields"]["version"] = 999
        return json.dumps(rows).encode()

    broken = rewrite(archive, "data.json", point_a_step_nowhere)
    with tarfile.open(broken, "r:gz") as tar:
        data = tar.extractfile("data.json").read()
    broken = with_manifest(broken, data_sha256=hashlib.sha256(data).hexdigest())
    before = snapshot(library)

    with pytest.raises(BackupError, match="载入备份数据时出错，已全部撤销"):
        restore_backup(broken, replace=True)

    assert snapshot(library) == before
    version = ProcedureVersion.objects.on_record().first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedureVersion.objects.filter(pk=version.pk).update(title="改过的名称")


def test_stored_handouts_are_left_out_and_dropped_by_a_restore(
    library, tmp_path, django_capture_on_commit_callbacks
):
    handout = library / "handouts" / "1-v1" / "standard-0123456789ab.pdf"
    handout.parent.mkdir(parents=True)
    handout.write_bytes(b"%PDF-1.7")
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    with tarfile.open(archive, "r:gz") as tar:
        assert tar.getnames() == ["manifest.json", "data.json", f"media/{IMAGE}"]

    with django_capture_on_commit_callbacks(execute=True):
        restore_backup(archive, replace=True)

    assert not handout.exists()
    assert sorted(path.name for path in library.iterdir()) == ["markdownx"]


def test_the_backup_file_is_readable_by_its_owner_only(archive):
    assert archive.stat().st_mode & 0o777 == 0o600


def test_the_commands_back_up_and_restore(library, tmp_path, django_capture_on_commit_callbacks):
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "事项 3，版本 7" in out.getvalue()

    with pytest.raises(CommandError, match="请加 --yes。\n本次没有恢复任何内容"):
        call_command("restore", str(archive))

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("restore", str(archive), "--yes", stdout=out)
    assert "事项 3，版本 7" in out.getvalue()
