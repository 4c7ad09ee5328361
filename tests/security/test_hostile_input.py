"""Hostile text in every field, alias, import file and search query stays inert text.

Each payload of `payloads.PAYLOADS` goes into every text a person or an import file can fill;
then every page that shows it is parsed and checked for markup that could run: an event
handler, a script that is not one of ours, a `javascript:` (or `vbscript:`, `data:text/html`)
address, a frame, object, SVG, MathML or style element, or a style attribute.
"""

import dataclasses
import datetime
import io
import re
import subprocess
import unicodedata
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hall import tracking
from hall.models import HallSettings
from procedures import publishing
from procedures.models import (
    VERSION_CONTENT_FIELDS,
    AuditEvent,
    Category,
    Procedure,
    ProcedureVersion,
)
from procedures.roles import EDITORS, PUBLISHERS, WINDOW_STAFF
from search.models import SearchEntry
from tests.factories import make_published, make_user
from tests.procedures.test_editing import admin_post_data
from tests.security.payloads import PAYLOADS

pytestmark = pytest.mark.django_db
ALIAS = "危险事项"
SHORT_LIMIT = 50  # 事项编码 and 条线名称

# ---------------------------------------------------------------------------- the checker

# Elements no content may ever produce. Django's admin draws its theme icons with <svg>:
# those few, recognised by their class, are the only SVG a page may hold.
FORBIDDEN_ELEMENTS = {
    "applet",
    "base",
    "embed",
    "frame",
    "frameset",
    "iframe",
    "math",
    "noscript",
    "object",
    "style",
    "svg",
    "template",
    "xss",
}
ADMIN_ICONS = {"base-svgs", "theme-icon-when-auto", "theme-icon-when-dark", "theme-icon-when-light"}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
OUR_SCRIPT_PREFIXES = ("/static/", "/admin/jsi18n/")


def dangerous_url(value: str) -> bool:
    """Whether a browser would run the address: read as its URL parser reads it (WHATWG URL:
    leading and trailing C0 controls and spaces dropped, tabs and newlines removed anywhere)."""
    url = re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21)))))
    return url.lower().startswith(DANGEROUS_SCHEMES)


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._check(tag, dict(attrs), attrs)
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self._check(tag, dict(attrs), attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data.strip()[:80]!r}")
        elif not self._in_script:
            self.text.append(data)

    def _check(self, tag, named, attrs):
        where = f"<{tag} {attrs}>"
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}: {where}")
            if name in ("style", "srcdoc"):
                self.problems.append(f"{name} attribute: {where}")
            if name in URL_ATTRIBUTES and value and dangerous_url(value):
                self.problems.append(f"script address in {name}: {where}")
        if tag in FORBIDDEN_ELEMENTS and not (tag == "svg" and named.get("class") in ADMIN_ICONS):
            self.problems.append(f"forbidden element: {where}")
        if tag == "script" and not (named.get("src") or "").startswith(OUR_SCRIPT_PREFIXES):
            self.problems.append(f"script that is not ours: {where}")
        if tag == "meta" and "http-equiv" in named:
            self.problems.append(f"meta http-equiv: {where}")
        if tag == "link" and not (named.get("href") or "").startswith("/static/"):
            self.problems.append(f"link that is not ours: {where}")


def parse(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser


def executable_markup(html: str) -> list[str]:
    """Everything in the page that could run script or load it; empty for a safe page."""
    return parse(html).problems


def squeezed(text: str) -> str:
    """Text without whitespace and invisible format characters, to find it however it wraps."""
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def shows_as_text(html: str, text: str) -> bool:
    return squeezed(text) in squeezed("".join(parse(html).text))


@pytest.mark.parametrize(
    "html",
    [
        "<p onclick=x()>a</p>",
        "<script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        '<a href=" java&#x09;script:alert(1)">a</a>',
        '<form action="vbscript:x"></form>',
        '<a href="data:text/html,<script>x()</script>">a</a>',
        "<iframe></iframe>",
        "<svg></svg>",
        "<math></math>",
        "<style>p{}</style>",
        '<p style="color:red">a</p>',
        '<meta http-equiv="refresh" content="0">',
        '<link rel="stylesheet" href="https://evil.example/x.css">',
    ],
)
def test_the_checker_finds_each_kind_of_executable_markup(html):
    assert executable_markup(f"<main>{html}</main>")


def test_the_checker_passes_our_own_pages_with_plain_content(client):
    make_published()
    for url in ("/", "/procedures/sheng-yu-fu-wu-shou-ce/", "/admin/login/"):
        assert executable_markup(client.get(url).content.decode()) == []


# ---------------------------------------------------------------------------- the library


@dataclasses.dataclass
class Library:
    """A procedure whose every text is the payload: versions 1 and 2 in force in turn,
    version 3 published to take effect next month, and an open draft."""

    category: Category
    procedure: Procedure
    versions: list[ProcedureVersion]
    draft: ProcedureVersion


def fit(payload: str, fallback: str) -> str:
    return payload if len(payload) <= SHORT_LIMIT else fallback


def rotated(text: str) -> str:
    """The same characters, halves swapped: the diff deletes and inserts pieces of markup."""
    half = len(text) // 2
    return text[half:] + text[:half]


def content(text: str) -> dict:
    fields = {name: text for name in VERSION_CONTENT_FIELDS if name != "title"}
    parts = {
        "materials": [{"name": text, "required": False, "condition": text, "note": text}],
        "steps": [{"title": text, "body": text, "staff_note": text}],
        "faqs": [{"question": text, "answer": text}],
    }
    return {"content": fields, "parts": parts}


def hostile_version(payload: str) -> ProcedureVersion:
    """Version 1 of procedure `xss`, with the payload in every text, its aliases, its code,
    its category's name and description, and the hall's details printed on every page."""
    hall = HallSettings.load()
    hall.name = hall.address = hall.hours = hall.phone = payload
    hall.save()
    category = Category.objects.create(
        name=fit(payload, "危险条线"), slug="xss-category", description=payload
    )
    texts = content(payload)
    version = make_published(
        payload,
        slug="xss",
        category=category,
        aliases=[payload, ALIAS],
        change_summary=payload,
        **texts["content"],
        **texts["parts"],
    )
    publishing.update_procedure_details(
        version.procedure,
        category=category,
        code=fit(payload, "XSS-1"),
        aliases=[payload, ALIAS],
        by=None,
    )
    return version


def hostile_library(payload: str) -> Library:
    v1 = hostile_version(payload)
    v2 = save_and_publish(
        v1,
        content(rotated(payload)),
        change_summary=rotated(payload),
        day=datetime.date(2024, 6, 1),
    )
    v3 = save_and_publish(
        v2,
        {"content": {"time_limit": "当场办结"}, "parts": None},
        change_summary=payload,
        day=timezone.localdate() + datetime.timedelta(days=30),
    )
    draft = publishing.create_draft(v1.procedure, by=None)
    texts = content(payload)
    draft = publishing.save_draft(
        draft,
        content={**texts["content"], "change_summary": payload},
        parts=texts["parts"],
        expected_revision=draft.revision,
        by=None,
    )
    procedure = Procedure.objects.get(pk=v1.procedure_id)
    return Library(procedure.category, procedure, [v1, v2, v3], draft)


def save_and_publish(version, texts: dict, *, change_summary: str, day) -> ProcedureVersion:
    draft = publishing.create_draft(version.procedure, by=None)
    if texts:
        draft = publishing.save_draft(
            draft,
            content=texts["content"],
            parts=texts["parts"],
            expected_revision=draft.revision,
            by=None,
        )
    return publishing.publish_version(
        draft, by=None, change_summary=change_summary, effective_from=day
    )


@dataclasses.dataclass
class People:
    anonymous: Client
    window: Client
    editor: Client
    publisher: Client


def people() -> People:
    def logged_in(user):
        client = Client()
        client.force_login(user)
        return client

    return People(
        anonymous=Client(),
        window=logged_in(make_user("window", WINDOW_STAFF)),
        editor=logged_in(make_user("editor", EDITORS, is_staff=True)),
        publisher=logged_in(make_user("publisher", PUBLISHERS, is_staff=True)),
    )


def pages(library: Library, who: People) -> list[tuple[Client, str]]:
    """Every page that shows the library's text, with someone allowed to open it. Home pages
    come last: by then they list the procedure as viewed (高频事项, 我最近查看)."""
    slug = library.procedure.slug
    v1, v2, v3 = library.versions
    draft = library.draft

    def admin(name, *args):
        return reverse(f"admin:procedures_{name}", args=args)

    public = [
        reverse("procedures:detail", args=[slug]),
        reverse("procedures:category", args=[library.category.slug]),
        reverse("procedures:history", args=[slug]),
        *(reverse("procedures:version", args=[slug, v.number]) for v in (v1, v2, v3)),
        reverse("procedures:diff", args=[slug, v1.number, v2.number]),
        reverse("procedures:diff", args=[slug, v2.number, v3.number]),
    ]
    public.append(reverse("search:results") + "?" + urlencode({"q": ALIAS}))
    staff = [*public, reverse("procedures:detail", args=[slug]) + "?view=call"]
    editing = [
        reverse("procedures:preview", args=[draft.pk]),
        reverse("procedures:preview", args=[draft.pk]) + "?as=staff",
        admin("procedureversion_change", draft.pk),
        admin("procedureversion_change", v1.pk),
        admin("procedureversion_changelist"),
        admin("procedure_change", library.procedure.pk),
        admin("procedure_changelist"),
        admin("procedure_history", library.procedure.pk),
        admin("category_changelist"),
    ]
    publishing_ = [
        reverse("procedures:publish", args=[draft.pk]),
        # An editor discards only their own drafts; this one is the import's.
        reverse("procedures:discard", args=[draft.pk]),
        admin("auditevent_changelist"),
    ]
    return [
        *((who.anonymous, url) for url in [*public, "/"]),
        *((who.window, url) for url in [*staff, "/"]),
        *((who.editor, url) for url in [*editing, "/"]),
        *((who.publisher, url) for url in publishing_),
    ]


def assert_inert(response, payload: str, *, shown: str | None = None) -> None:
    """The page opened, carries `shown` (the payload) as text, and nothing in it can run."""
    url = response.wsgi_request.get_full_path()
    assert response.status_code == 200, url
    html = response.content.decode()
    assert executable_markup(html) == [], url
    assert shows_as_text(html, shown or payload), f"{url} does not show the text at all"


def each_payload():
    return [pytest.param(text, id=name) for name, text in PAYLOADS.items()]


# ---------------------------------------------------------------------------- pages


@pytest.mark.parametrize("payload", each_payload())
def test_hostile_text_in_every_field_renders_inert_on_every_page(payload):
    library = hostile_library(payload)
    for client, url in pages(library, people()):
        shown = library.category.name if "category" in url else payload
        assert_inert(client.get(url), payload, shown=shown)


@pytest.mark.parametrize("payload", each_payload())
def test_search_results_carry_hostile_text_as_plain_strings(payload):
    hostile_version(payload)
    who = people()
    for client in (who.anonymous, who.window):
        response = client.get(reverse("search:api"), {"q": ALIAS})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response["X-Content-Type-Options"] == "nosniff"
        [result] = response.json()["results"]
        assert result["title"] == payload  # raw text: the page script sets it as textContent
        assert all(isinstance(result[key], str) for key in ("title", "category", "snippet"))
        assert result["url"] == reverse("procedures:detail", args=["xss"])


@pytest.mark.parametrize("payload", each_payload())
def test_a_hostile_search_query_is_answered_with_json(client, payload):
    make_published(aliases=[ALIAS])
    response = client.get(reverse("search:api"), {"q": payload})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["query"] == payload.strip()


@pytest.mark.parametrize("payload", each_payload())
def test_the_search_page_shows_a_hostile_query_as_text(client, payload):
    make_published(aliases=[ALIAS])
    assert_inert(client.get(reverse("search:results"), {"q": payload}), payload)


@pytest.mark.parametrize("payload", each_payload())
def test_a_hostile_query_that_found_nothing_is_listed_inert_for_editors(client, payload):
    client.get(reverse("search:api"), {"q": payload})
    client.force_login(make_user("editor", EDITORS, is_staff=True))
    response = client.get(reverse("admin:search_searchmiss_changelist"))
    assert response.status_code == 200
    assert executable_markup(response.content.decode()) == []


@pytest.mark.parametrize("payload", each_payload())
def test_the_editors_live_preview_sanitises_hostile_markdown(client, payload):
    client.force_login(make_user("editor", EDITORS, is_staff=True))
    response = client.post(reverse("markdownx_markdownify"), {"content": payload})
    assert response.status_code == 200
    assert executable_markup(response.content.decode()) == []


@pytest.mark.parametrize("payload", each_payload())
def test_hostile_text_in_addresses_is_not_reflected_as_markup(client, payload):
    version = make_published()
    editor = Client()
    editor.force_login(make_user("editor", EDITORS, is_staff=True))
    for who, path, query in [
        (client, reverse("login"), {"next": payload}),
        (client, reverse("admin:login"), {"next": payload}),
        (client, version.procedure.get_absolute_url(), {"view": payload, payload: payload}),
        (client, "/procedures/" + quote(payload, safe="") + "/", {}),
        (editor, reverse("admin:procedures_procedure_changelist"), {"q": payload}),
    ]:
        response = who.get(path, query)
        assert response.status_code in (200, 404), path
        assert executable_markup(response.content.decode()) == [], path


@pytest.mark.parametrize("payload", each_payload())
def test_messages_naming_a_hostile_draft_are_inert(client, payload):
    editor = make_user("editor", EDITORS, is_staff=True)
    draft = publishing.create_draft(hostile_version(payload).procedure, by=editor)
    client.force_login(editor)
    response = client.post(reverse("procedures:discard", args=[draft.pk]), follow=True)
    assert_inert(response, payload)


# ---------------------------------------------------------------------------- import files


def hostile_record(payload: str) -> dict:
    text = content(payload)
    return {
        "slug": "xss-import",
        "title": payload,
        "code": fit(payload, "XSS-2"),
        "category": fit(payload, "危险条线"),
        "aliases": [payload, ALIAS],
        **text["content"],
        **text["parts"],
        "change_summary": payload,
        "effective_from": datetime.date(2024, 3, 1),
    }


def write_library(path, *records: dict):
    path.write_text(yaml.safe_dump(list(records), allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("payload", each_payload())
def test_hostile_text_from_an_import_file_renders_inert(tmp_path, payload):
    path = write_library(tmp_path / "hostile.yaml", hostile_record(payload))
    call_command("import_procedures", str(path), publish=True, stdout=io.StringIO())
    procedure = Procedure.objects.get(slug="xss-import")
    who = people()
    detail = reverse("procedures:detail", args=[procedure.slug])
    for client, url in [
        (who.anonymous, detail),
        (who.anonymous, reverse("procedures:history", args=[procedure.slug])),
        (who.window, detail),
        (who.window, detail + "?view=call"),
        (who.editor, reverse("admin:procedures_procedure_change", args=[procedure.pk])),
    ]:
        assert_inert(client.get(url), payload.strip())
    tracking.write_views()  # 高频事项 on the home page lists it once its views are written
    assert_inert(who.anonymous.get("/"), payload.strip())
    category = who.anonymous.get(procedure.category.get_absolute_url())
    assert_inert(category, payload, shown=procedure.category.name)
    [result] = who.anonymous.get(reverse("search:api"), {"q": ALIAS}).json()["results"]
    assert result["title"] == payload.strip()


# ---------------------------------------------------------------------------- handouts


def pdf_info(pdf: bytes, option: str) -> str:
    run = subprocess.run(["pdfinfo", option, "-"], input=pdf, capture_output=True, check=True)
    return run.stdout.decode()


def pdf_text(pdf: bytes) -> str:
    run = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return run.stdout.decode()


@pytest.mark.parametrize("payload", each_payload())
def test_handouts_print_hostile_text_as_inert_text(client, payload):
    hostile_version(payload)
    response = client.get(reverse("handouts:current", args=["xss"]))
    assert response.status_code == 200
    pdf = response.getvalue()
    text = squeezed(pdf_text(pdf))
    # Text after a right-to-left override prints in reverse, as the reader sees it.
    assert squeezed(payload) in text or squeezed(payload)[::-1] in text
    assert "JavaScript" not in pdf_info(pdf, "-js") and b"/JavaScript" not in pdf
    urls = pdf_info(pdf, "-url").splitlines()[1:]
    assert not [line for line in urls if dangerous_url(line.split()[-1])]


# ---------------------------------------------------------------------------- nothing half-saved


def database_state() -> dict:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Category, Procedure, ProcedureVersion, AuditEvent, SearchEntry)
    }


def test_an_import_with_a_hostile_and_an_invalid_procedure_imports_nothing(tmp_path):
    make_published()
    before = database_state()
    path = write_library(
        tmp_path / "mixed.yaml",
        hostile_record(PAYLOADS["img-onerror"]),
        {"slug": "bad", "title": "残疾人证", "materials": [{"name": "照片", "copies": 0}]},
    )
    with pytest.raises(CommandError, match="本次没有导入任何内容"):
        call_command("import_procedures", str(path), publish=True, stdout=io.StringIO())
    assert database_state() == before


def test_a_refused_stale_draft_save_leaves_the_draft_as_it_was(client):
    version = make_published()
    client.force_login(make_user("editor", EDITORS, is_staff=True))
    draft = publishing.create_draft(version.procedure, by=None)
    url = reverse("admin:procedures_procedureversion_change", args=[draft.pk])
    stale = admin_post_data(client, draft)
    publishing.save_draft(draft, content={"fee": "另一位编辑的修改"}, expected_revision=0, by=None)
    before = draft_state(draft)
    payload = PAYLOADS["script-tag"]
    hostile = {
        **stale,
        "title": payload,
        "staff_notes": payload,
        "steps-0-body": payload,
        "materials-0-DELETE": "on",
    }
    response = client.post(url, hostile)
    assert response.status_code == 200
    assert "已被他人保存" in response.content.decode()
    assert draft_state(draft) == before


def draft_state(draft) -> dict:
    fresh = ProcedureVersion.objects.get(pk=draft.pk)
    return {
        "version": {name: getattr(fresh, name) for name in (*VERSION_CONTENT_FIELDS, "revision")},
        "materials": list(fresh.materials.order_by("pk").values()),
        "steps": list(fresh.steps.order_by("pk").values()),
        "faqs": list(fresh.faqs.order_by("pk").values()),
        "saves": AuditEvent.objects.filter(action="draft_saved").count(),
    }
