"""Small builders of test data; every write goes through the publishing service."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from procedures import publishing
from procedures.library_format import derive_slug
from procedures.models import Category, ProcedureVersion

DEFAULT_MATERIALS = (
    {"name": "居民身份证", "form": "original"},
    {"name": "户口簿", "form": "original_and_copy", "copies": 1},
    {"name": "授权委托书", "required": False, "condition": "委托他人代办的"},
)
DEFAULT_STEPS = (
    {"title": "提交申请", "body": "携带材料到窗口提交。", "staff_note": "核对户籍地"},
    {"title": "审核", "body": "窗口当场审核。"},
)
DEFAULT_FAQS = ({"question": "外地户口可以办吗？", "answer": "可以，在居住地办理。"},)


def make_user(username: str = "someone", *groups: str, **fields):
    users = get_user_model().objects
    user = users.create_user(username=username, password="pw-for-tests", **fields)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def make_category(name: str = "计划生育", slug: str | None = None) -> Category:
    defaults = {"slug": slug or derive_slug(name)}
    category, _ = Category.objects.get_or_create(name=name, defaults=defaults)
    return category


def make_draft(
    title: str = "生育服务手册",
    *,
    slug: str | None = None,
    category: Category | None = None,
    aliases=(),
    materials=DEFAULT_MATERIALS,
    steps=DEFAULT_STEPS,
    faqs=DEFAULT_FAQS,
    by=None,
    **content,
) -> ProcedureVersion:
    draft = publishing.create_procedure(
        slug=slug or derive_slug(title),
        category=category or make_category(),
        title=title,
        aliases=aliases,
        by=by,
    )
    return publishing.save_draft(
        draft,
        content={"title": title, "staff_notes": "内部：先查系统", **content},
        parts={"materials": materials, "steps": steps, "faqs": faqs},
        expected_revision=draft.revision,
        by=by,
    )


def make_published(
    title: str = "生育服务手册",
    *,
    effective_from: datetime.date = datetime.date(2024, 1, 1),
    change_summary: str = "首次发布",
    by=None,
    **kwargs,
) -> ProcedureVersion:
    draft = make_draft(title, by=by, **kwargs)
    return publishing.publish_version(
        draft, by=by, change_summary=change_summary, effective_from=effective_from
    )


def publish_change(
    version: ProcedureVersion,
    *,
    effective_from: datetime.date,
    change_summary: str = "政策调整",
    change_kind: str = "substantive",
    by=None,
    **content,
) -> ProcedureVersion:
    """A new version of `version`'s procedure with `content` changed (by default its summary:
    publishing refuses a version identical to the one it replaces)."""
    draft = publishing.create_draft(version.procedure, by=by)
    content = content or {"summary": f"{version.summary}（{change_summary}）"}
    draft = publishing.save_draft(draft, content=content, expected_revision=draft.revision, by=by)
    return publishing.publish_version(
        draft,
        by=by,
        change_summary=change_summary,
        effective_from=effective_from,
        change_kind=change_kind,
    )
