"""Small builders of test data (every write goes through the publishing service), and a
signed-in test client."""

import datetime
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

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

# A flow (情形引导) over the default materials: where the resident is registered, who comes.
FLOW_QUESTIONS = (
    {"label": "户籍", "text": "户籍在本区吗？", "options": ["本区户籍", "外地户籍"]},
    {"label": "代办", "text": "本人来办还是委托他人？", "options": ["本人办理", "委托他人代办"]},
)
FLOW_MATERIALS = (
    {"name": "居民身份证", "form": "original"},
    {"name": "户口簿", "form": "original_and_copy", "copies": 1},
    {
        "name": "居住证",
        "required": False,
        "condition": "外地户籍的",
        "when": [{"question": "户籍", "op": "any", "options": ["外地户籍"]}],
    },
    {
        "name": "授权委托书",
        "required": False,
        "condition": "委托他人代办的",
        "when": [{"question": "代办", "op": "none", "options": ["本人办理"]}],
    },
)
FLOW_CASES = (
    {
        "name": "外地户籍委托代办",
        "answers": [
            {"question": "户籍", "option": "外地户籍"},
            {"question": "代办", "option": "委托他人代办"},
        ],
        "materials": ["居民身份证", "户口簿", "居住证", "授权委托书"],
    },
)


def when(question: str, *options: str, op: str = "any") -> list[dict]:
    """A one-clause condition, as stored: [{question, op, options}]."""
    return [{"question": question, "op": op, "options": list(options)}]


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
    questions=(),
    members=(),
    cases=(),
    kind="item",
    by=None,
    **content,
) -> ProcedureVersion:
    """A draft; `members` rows name their procedure as `target` (a Procedure)."""
    draft = publishing.create_procedure(
        slug=slug or derive_slug(title),
        category=category or make_category(),
        title=title,
        aliases=aliases,
        kind=kind,
        by=by,
    )
    if kind != "item" and materials is DEFAULT_MATERIALS:
        materials, steps = (), ()  # a family's or bundle's materials come from its members
    return publishing.save_draft(
        draft,
        content={"title": title, "staff_notes": "内部：先查系统", **content},
        parts={
            "materials": materials,
            "steps": steps,
            "faqs": faqs,
            "questions": questions,
            "members": members,
            "cases": cases,
        },
        expected_revision=draft.revision,
        by=by,
    )


def make_flow_published(title: str = "生育服务手册", **kwargs) -> ProcedureVersion:
    """A published item with the flow above (two questions, two conditional materials, a case)."""
    kwargs = {
        "materials": FLOW_MATERIALS,
        "questions": FLOW_QUESTIONS,
        "cases": FLOW_CASES,
        **kwargs,
    }
    return make_published(title, **kwargs)


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


def signed_in(user) -> Client:
    """A test client signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def section_of(client, url: str, css_class: str) -> str:
    """The page's `<section class="css_class …">`, or "" when it has none."""
    page = client.get(url).content.decode()
    found = re.search(rf'<section class="{css_class}\b.*?</section>', page, re.S)
    return found[0] if found else ""
