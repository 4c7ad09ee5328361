"""Who may open which URL: every URL pattern of the project, for every role.

The URLs come from walking the resolver, the admin's included; the expected outcome of each
comes from the tables below. A URL the tables do not list fails its test: whoever adds a URL
decides here who may use it.
"""

import dataclasses
import datetime
import io
import itertools
import re
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from PIL import Image

from blank_forms import attaching
from blank_forms.checking import checked
from hall.models import HallSettings
from practice import scheduling
from practice.models import Question
from procedures import publishing
from procedures.models import (
    AuditEvent,
    BatchChange,
    MaterialKind,
    Procedure,
    ProcedureVersion,
    ReviewRules,
)
from procedures.roles import EDITORS, PUBLISHERS, WINDOW_STAFF
from search.models import Referral, SearchMiss, Synonym
from tests.blank_forms.files import pdf_bytes
from tests.factories import make_draft, make_published, make_user, publish_change
from tests.upkeep.factories import report_on
from training.models import Assignment, PathItem, ReadingPath, ReadReceipt
from training.roles import TRAINERS
from upkeep.models import CategoryUpkeep
from word_import.models import ImportRecord

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "window", "editor", "publisher", "trainer")
OK = "ok"  # 2xx, or a redirect to somewhere other than a login page
LOGIN = "login"  # a redirect to a login page (the site's or the admin's)
DENIED = "403"
MISSING = "404"
GET, POST = "get", "post"


@dataclasses.dataclass(frozen=True)
class Row:
    method: str
    anonymous: str
    window: str
    editor: str
    publisher: str
    # A 培训负责人 (not is_staff): where the trainer is not named, as window staff.
    trainer: str = ""

    def outcome(self, role: str) -> str:
        if role == "trainer" and not self.trainer:
            return self.window
        return str(getattr(self, role))


PUBLIC = (OK, OK, OK, OK)
SIGNED_IN = (LOGIN, OK, OK, OK)
ADMIN = (LOGIN, LOGIN, OK, OK)
EDITING = (DENIED, DENIED, OK, OK)
# Editing pages send an anonymous visitor to log in first.
EDITING_PAGES = (LOGIN, DENIED, OK, OK)
TRAINING = (LOGIN, DENIED, DENIED, DENIED)

# Every URL that is not one of a model's admin pages: name (or route, if unnamed) → who gets what.
MATRIX = {
    # Public pages, handouts and search: anyone; staff see more on them, never less.
    "hall:home": Row(GET, *PUBLIC),
    # What browsers ask for whatever a page links: a redirect to the icon the pages link.
    "favicon.ico": Row(GET, *PUBLIC),
    "search:results": Row(GET, *PUBLIC),
    "search:api": Row(GET, *PUBLIC),
    # 教搜索: who may add synonyms (editors and publishers).
    "search:miss": Row(GET, *EDITING_PAGES),
    "procedures:category": Row(GET, *PUBLIC),
    "procedures:material_kinds": Row(GET, *PUBLIC),
    "procedures:material_kind": Row(GET, *PUBLIC),
    "procedures:detail": Row(GET, *PUBLIC),
    "procedures:history": Row(GET, *PUBLIC),
    "procedures:version": Row(GET, *PUBLIC),
    "procedures:compare": Row(GET, *PUBLIC),
    "procedures:diff": Row(GET, *PUBLIC),
    "handouts:current": Row(GET, *PUBLIC),
    "handouts:version": Row(GET, *PUBLIC),
    # Editing: editors and publishers; publishing: publishers only.
    "procedures:drafts": Row(GET, *EDITING_PAGES),
    "procedures:new_draft": Row(POST, *EDITING_PAGES),
    "procedures:preview": Row(GET, *EDITING_PAGES),
    # An editor discards only a draft they wrote (the library's draft is nobody's); 审核发布 any.
    "procedures:discard": Row(GET, LOGIN, DENIED, DENIED, OK),
    "procedures:submit": Row(GET, *EDITING_PAGES),
    "procedures:publish": Row(GET, LOGIN, DENIED, DENIED, OK),
    "procedures:send_back": Row(POST, LOGIN, DENIED, DENIED, OK),
    "procedures:batches": Row(GET, *EDITING_PAGES),
    "procedures:batch_new": Row(GET, *EDITING_PAGES),
    "procedures:batch": Row(GET, *EDITING_PAGES),
    "procedures:batch_resubmit": Row(POST, *EDITING_PAGES),
    "procedures:batch_publish": Row(POST, LOGIN, DENIED, DENIED, OK),
    "procedures:batch_send_back": Row(POST, LOGIN, DENIED, DENIED, OK),
    "markdownx_markdownify": Row(POST, *EDITING),
    "markdownx_upload": Row(POST, *EDITING),
    # 学习 and 练习: staff read, confirm and practise for themselves; trainers see everyone's
    # progress, assign paths and keep the question bank.
    "training:home": Row(GET, *SIGNED_IN, OK),
    "training:path": Row(GET, *SIGNED_IN, OK),
    "training:path_print": Row(GET, *SIGNED_IN, OK),
    "training:inbox": Row(GET, *SIGNED_IN, OK),
    "training:changes": Row(GET, *SIGNED_IN, OK),
    "training:confirm": Row(POST, *SIGNED_IN, OK),
    "training:manage": Row(GET, *TRAINING, OK),
    "training:assign": Row(GET, *TRAINING, OK),
    "training:matrix": Row(GET, *TRAINING, OK),
    "training:unassign": Row(POST, *TRAINING, OK),
    "practice:home": Row(GET, *SIGNED_IN, OK),
    "practice:answer": Row(POST, *SIGNED_IN, OK),
    # An answer's result page is its clerk's only: the trainer's answer here.
    "practice:result": Row(GET, LOGIN, MISSING, MISSING, MISSING, OK),
    "practice:team": Row(GET, *TRAINING, OK),
    "practice:questions": Row(GET, *TRAINING, OK),
    "practice:question_new": Row(GET, *TRAINING, OK),
    "practice:question_edit": Row(GET, *TRAINING, OK),
    "practice:question_retire": Row(POST, *TRAINING, OK),
    "practice:question_import": Row(GET, *TRAINING, OK),
    "practice:question_export": Row(GET, *TRAINING, OK),
    # 报错与复核: residents only send page feedback; staff report and follow their reports;
    # an item's owner and backup (editors) and 审核发布 handle; 审核发布 assign owners.
    # The library's procedure has no owner: only 审核发布 handle it.
    "upkeep:feedback": Row(POST, *PUBLIC),
    "upkeep:report_new": Row(GET, *SIGNED_IN, OK),
    "upkeep:report": Row(GET, *SIGNED_IN, OK),
    "upkeep:mine": Row(GET, *SIGNED_IN, OK),
    "upkeep:close": Row(POST, LOGIN, DENIED, DENIED, OK, DENIED),
    "upkeep:start_fix": Row(POST, LOGIN, DENIED, DENIED, OK, DENIED),
    "upkeep:complex": Row(POST, LOGIN, DENIED, DENIED, OK, DENIED),
    "upkeep:confirm": Row(POST, LOGIN, DENIED, DENIED, OK, DENIED),
    "upkeep:queue": Row(GET, LOGIN, DENIED, OK, OK, DENIED),
    "upkeep:feedback_list": Row(GET, LOGIN, DENIED, OK, OK, DENIED),
    "upkeep:monthly": Row(GET, LOGIN, DENIED, OK, OK, DENIED),
    "upkeep:monthly_csv": Row(GET, LOGIN, DENIED, OK, OK, DENIED),
    "upkeep:owners": Row(GET, LOGIN, DENIED, DENIED, OK, DENIED),
    "upkeep:category_owners": Row(GET, LOGIN, DENIED, DENIED, OK, DENIED),
    # Importing Word guides makes drafts: editors and publishers.
    "word_import:upload": Row(GET, *EDITING_PAGES),
    "word_import:review": Row(GET, *EDITING_PAGES),
    "word_import:settle": Row(POST, *EDITING_PAGES),
    # Forms next to materials: anyone downloads; editors and publishers attach and take down.
    "blank_forms:download": Row(GET, *PUBLIC),
    "blank_forms:procedure": Row(GET, *EDITING_PAGES),
    "blank_forms:kind_attach": Row(POST, *EDITING_PAGES),
    "blank_forms:take_down": Row(POST, *EDITING_PAGES),
    # Accounts.
    "login": Row(GET, *PUBLIC),
    "logout": Row(POST, *PUBLIC),
    "password_change": Row(GET, *SIGNED_IN),
    "password_change_done": Row(GET, *SIGNED_IN),
    "password_reset": Row(GET, *PUBLIC),
    "password_reset_done": Row(GET, *PUBLIC),
    "password_reset_confirm": Row(GET, *PUBLIC),
    "password_reset_complete": Row(GET, *PUBLIC),
    # The admin as a whole: only is_staff people get in (window staff are not).
    "admin:login": Row(GET, *PUBLIC),
    "admin:logout": Row(POST, *PUBLIC),
    "admin:index": Row(GET, *ADMIN),
    "admin:app_list": Row(GET, *ADMIN),
    "admin:password_change": Row(GET, *ADMIN),
    "admin:password_change_done": Row(GET, *ADMIN),
    "admin:jsi18n": Row(GET, *ADMIN),
    "admin:view_on_site": Row(GET, *ADMIN),
    # Without naming a field (material → kind) the autocomplete refuses everyone.
    "admin:autocomplete": Row(GET, LOGIN, LOGIN, DENIED, DENIED),
    "admin/(?P<url>.*)$": Row(GET, LOGIN, LOGIN, MISSING, MISSING),
    "admin:auth_user_password_change": Row(GET, LOGIN, LOGIN, DENIED, DENIED),
    # Uploaded files, served by Django only with DEBUG on (a web server serves them otherwise):
    # public to all, so a file that is not there is a 404 to all.
    "^media/(?P<path>.*)$": Row(GET, MISSING, MISSING, MISSING, MISSING),
}
# Present only in some configurations: not listed as gone when missing.
CONDITIONAL = {"^media/(?P<path>.*)$"}

# The admin pages of each registered model. Anonymous visitors and window staff are sent to
# the admin's login for all of them; editors and publishers may open the kinds of page named
# here and get 403 for the others. Every model also has "<object_id>/", a redirect to its
# change page, which any staff member may follow.
ADMIN_PAGES = {"changelist", "add", "change", "history", "delete"}
VIEW = {"changelist", "change", "history"}
NOTHING: set[str] = set()
ADMIN_MODELS = {  # model: (pages editors may open, pages publishers may open)
    "auth.group": (NOTHING, NOTHING),
    "auth.user": (NOTHING, NOTHING),
    "procedures.category": (VIEW, VIEW | {"add"}),
    "procedures.procedure": (VIEW | {"add"}, VIEW | {"add"}),
    # Versions: drafts are made from a procedure (新建草稿) and discarded by the service.
    "procedures.procedureversion": (VIEW, VIEW),
    "procedures.auditevent": (NOTHING, VIEW),
    # The material catalogue: kept by editors; a kind in use is never deleted.
    "procedures.materialkind": (VIEW | {"add"}, VIEW | {"add"}),
    "hall.hallsettings": (NOTHING, NOTHING),
    # Whether a hall lets people publish their own drafts: superusers only.
    "procedures.reviewrules": (NOTHING, NOTHING),
    "search.synonym": (VIEW | {"add", "delete"}, VIEW | {"add", "delete"}),
    "search.searchmiss": (VIEW, VIEW | {"delete"}),
    # The referral list (转介清单): kept by editors and publishers.
    "search.referral": (ADMIN_PAGES, ADMIN_PAGES),
    # Login failures (django-axes): superusers only.
    "axes.accessattempt": (NOTHING, NOTHING),
    "axes.accesslog": (NOTHING, NOTHING),
    "axes.accessfailurelog": (NOTHING, NOTHING),
    # Trainers keep custom paths and assignments in the admin (with is_staff); others nothing.
    "training.readingpath": (NOTHING, NOTHING),
    "training.assignment": (NOTHING, NOTHING),
    "training.readreceipt": (NOTHING, NOTHING),
    "practice.question": (NOTHING, NOTHING),
    # Owners are assigned on 负责人与复核周期; the admin's page is the superuser's.
    "upkeep.categoryupkeep": (NOTHING, NOTHING),
    # Reports are filed and closed on their own pages; 审核发布 may look them up here.
    "upkeep.report": (NOTHING, VIEW),
}

# ---------------------------------------------------------------------------- the URLs


@dataclasses.dataclass(frozen=True)
class Endpoint:
    key: str  # "namespace:name", or the route of an unnamed pattern
    route: str
    named: bool

    @property
    def parameters(self) -> list[str]:
        return re.findall(r"(?:<(?:\w+:)?|\(\?P<)(\w+)>", self.route)

    @property
    def admin_model(self) -> str | None:
        """The label (app.model) of the registered model this admin page belongs to, if any."""
        parts = self.route.split("/")
        label = ".".join(parts[1:3]) if parts[0] == "admin" and len(parts) > 3 else ""
        return label if label in ADMIN_MODELS else None

    @property
    def admin_kind(self) -> str:
        """changelist, add, change, history, delete…; "redirect" for "<object_id>/"."""
        if not self.named:
            return "redirect"
        return self.key.removeprefix("admin:" + self.admin_model.replace(".", "_") + "_")

    def __str__(self) -> str:
        return self.key


def walk(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Endpoint]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, route, inner)
        elif pattern.name:
            yield Endpoint(f"{namespace}{pattern.name}", route, named=True)
        else:
            yield Endpoint(route, route, named=False)


ENDPOINTS = list(walk())


def expected(endpoint: Endpoint) -> Row | None:
    if endpoint.key in MATRIX:
        return MATRIX[endpoint.key]
    if endpoint.admin_model is None:
        return None
    editors, publishers = ADMIN_MODELS[endpoint.admin_model]
    kind = endpoint.admin_kind
    if kind == "redirect":
        return Row(GET, LOGIN, LOGIN, OK, OK)
    if kind not in ADMIN_PAGES:
        return None
    allowed = [OK if kind in kinds else DENIED for kinds in (editors, publishers)]
    return Row(GET, LOGIN, LOGIN, *allowed)


# ---------------------------------------------------------------------------- the library


INTERNAL = ("内部：先查婚育系统", "内部：第二版起核对居住证", "核对户籍地")
DRAFT_TEXT = "草稿里尚未发布的新规定"
DRAFT_INTERNAL = "草稿里的内部备注"


@dataclasses.dataclass
class Library:
    """A procedure with versions 1 and 2 and an open draft, and one object of each admin model."""

    procedure: Procedure
    versions: list[ProcedureVersion]
    draft: ProcedureVersion
    users: dict[str, Model | None]
    admin_objects: dict[str, Model]


@pytest.fixture
def library() -> Library:
    v1 = make_published("生育服务手册", aliases=["准生证"], staff_notes=INTERNAL[0])
    v2 = publish_change(
        v1,
        effective_from=datetime.date(2024, 6, 1),
        summary="第二版的简介",
        staff_notes=INTERNAL[1],
    )
    draft = publishing.create_draft(v1.procedure, by=None)
    draft = publishing.save_draft(
        draft,
        content={"summary": DRAFT_TEXT, "staff_notes": DRAFT_INTERNAL},
        expected_revision=draft.revision,
        by=None,
    )
    users = {
        "anonymous": None,
        "window": make_user("window", WINDOW_STAFF),
        "editor": make_user("editor", EDITORS, is_staff=True),
        "publisher": make_user("publisher", PUBLISHERS, is_staff=True),
        "trainer": make_user("trainer", TRAINERS),
    }
    custom_path = ReadingPath.objects.create(name="综窗新人第一周")
    PathItem.objects.create(path=custom_path, procedure=v1.procedure, position=1)
    question = Question.objects.create(
        kind=Question.Kind.JUDGE,
        stem="委托他人代办的，需要授权委托书。",
        options=["正确", "错误"],
        answer="A",
        category=v1.procedure.category,
        created_by=users["trainer"],
    )
    answer = scheduling.record_answer(user=users["trainer"], question=question, chosen="A")
    admin_objects = {
        "auth.group": Group.objects.get(name=EDITORS),
        "auth.user": users["window"],
        "procedures.category": v1.procedure.category,
        "procedures.procedure": v1.procedure,
        "procedures.procedureversion": draft,
        "procedures.auditevent": AuditEvent.objects.first(),
        "procedures.materialkind": MaterialKind.objects.first(),
        "hall.hallsettings": HallSettings.objects.get_or_create(pk=1)[0],
        "procedures.reviewrules": ReviewRules.objects.get_or_create(pk=1)[0],
        "search.synonym": Synonym.objects.create(words="准生证 生育登记"),
        "search.searchmiss": SearchMiss.objects.create(query="办准生证"),
        "search.referral": Referral.objects.create(title="住房公积金提取", where="市公积金中心"),
        "axes.accessattempt": AccessAttempt.objects.create(
            username="guess", ip_address="10.0.0.9", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(username="guess", ip_address="10.0.0.9"),
        "axes.accessfailurelog": AccessFailureLog.objects.create(
            username="guess", ip_address="10.0.0.9"
        ),
        "training.readingpath": custom_path,
        "training.assignment": Assignment.objects.create(user=users["window"], path=custom_path),
        "training.readreceipt": ReadReceipt.objects.create(
            user=users["window"], procedure=v1.procedure, version=v2
        ),
        "practice.question": question,
        "practice.answer": answer,
        "upkeep.categoryupkeep": CategoryUpkeep.objects.create(category=v1.procedure.category),
        "upkeep.report": report_on(v2, users["window"]),
        "word_import.importrecord": ImportRecord.objects.create(
            version=draft, file_name="生育登记.docx", unplaced=["温馨提示"]
        ),
        "blank_forms.formattachment": attaching.attach(
            checked(SimpleUploadedFile("户口簿样例.pdf", pdf_bytes())),
            kind=MaterialKind.objects.get(name="户口簿"),
            role="sample",
            title="户口簿样例",
            by=users["editor"],
        ),
    }
    BatchChange.objects.create(
        kind=MaterialKind.objects.first(),
        operation=BatchChange.Operation.CONDITIONAL,
        condition="户籍不在本区的",
        change_summary="户口簿改为系统核验",
    )
    procedure = Procedure.objects.get(pk=v1.procedure_id)
    return Library(procedure, [v1, v2], draft, users, admin_objects)


def client_for(library: Library, role: str) -> Client:
    client = Client()
    if library.users[role] is not None:
        client.force_login(library.users[role])
    return client


def parameter(endpoint: Endpoint, name: str, library: Library):
    procedure = library.procedure
    if endpoint.admin_model and name in ("object_id", "id"):
        return library.admin_objects[endpoint.admin_model].pk
    if endpoint.key in ("procedures:category", "upkeep:category_owners"):
        return procedure.category.slug
    if endpoint.key in ("blank_forms:download", "blank_forms:take_down"):
        return library.admin_objects["blank_forms.formattachment"].pk
    if endpoint.key == "blank_forms:kind_attach":
        return library.admin_objects["procedures.materialkind"].pk
    if endpoint.key.startswith("word_import:") and name == "pk":
        return library.admin_objects["word_import.importrecord"].pk
    if endpoint.key.startswith("upkeep:") and name == "pk":
        if endpoint.key == "upkeep:confirm":
            return procedure.pk
        return library.admin_objects["upkeep.report"].pk
    if endpoint.key == "procedures:new_draft":
        return procedure.pk
    if endpoint.key == "search:miss":
        return library.admin_objects["search.searchmiss"].pk
    if endpoint.key in ("procedures:material_kind", "procedures:batch_new"):
        return library.admin_objects["procedures.materialkind"].pk
    if endpoint.key.startswith("procedures:batch"):
        return BatchChange.objects.get().pk
    if endpoint.key in (
        "training:path",
        "training:path_print",
        "training:assign",
        "training:matrix",
    ):
        return library.admin_objects["training.readingpath"].pk
    if endpoint.key == "training:unassign":
        return library.admin_objects["training.assignment"].pk
    if endpoint.key.startswith("practice:question_"):
        return library.admin_objects["practice.question"].pk
    if endpoint.key == "practice:result":
        return library.admin_objects["practice.answer"].pk
    return {
        "slug": procedure.slug,
        "number": 1,
        "a": 1,
        "b": 2,
        "pk": library.draft.pk,
        "app_label": "procedures",
        "content_type_id": ContentType.objects.get_for_model(Procedure).pk,
        "object_id": procedure.pk,
        "uidb64": "MQ",
        "token": "not-a-token",
        "url": "no-such-page/",
        "path": "no-such-file.png",
    }[name]


def path_for(endpoint: Endpoint, library: Library) -> str:
    values = {name: parameter(endpoint, name, library) for name in endpoint.parameters}
    if endpoint.key == "upkeep:report_new":
        return reverse(endpoint.key) + f"?version={library.versions[1].pk}&part=page"
    if endpoint.named:
        return reverse(endpoint.key, kwargs=values)
    filled = re.sub(
        r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m[1] or m[2]]), endpoint.route
    )
    return "/" + filled.lstrip("^").rstrip("$")


QUERIES = {
    "procedures:compare": {"a": 1, "b": 2},
    "search:results": {"q": "生育"},
    "search:api": {"q": "生育"},
}


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return SimpleUploadedFile("dot.png", buffer.getvalue(), content_type="image/png")


# Page feedback is limited per client address: each role's answer comes from its own.
FEEDBACK_ADDRESSES = (f"10.9.0.{n}" for n in itertools.count(1))


def request(client: Client, endpoint: Endpoint, method: str, path: str):
    if endpoint.key == "upkeep:feedback":
        client.defaults["REMOTE_ADDR"] = next(FEEDBACK_ADDRESSES)
    if method == GET:
        return client.get(path, QUERIES.get(endpoint.key, {}))
    data = {
        "markdownx_markdownify": {"content": "**材料**齐全的当场办结"},
        "markdownx_upload": {"image": png()},
        "practice:answer": {"question": Question.objects.get(generated=False).pk, "choice": "A"},
        "upkeep:feedback": {
            "helpful": "1",
            "version": ProcedureVersion.objects.filter(status="published").first().pk,
        },
    }.get(endpoint.key, {})
    return client.post(path, data)


def outcome(response) -> str:
    if 300 <= response.status_code < 400:
        target = urlsplit(response["Location"]).path
        return LOGIN if target in (reverse("login"), reverse("admin:login")) else OK
    if response.status_code < 300:
        return OK
    return str(response.status_code)


# ---------------------------------------------------------------------------- the matrix


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_each_role_gets_what_the_matrix_says(library, endpoint):
    row = expected(endpoint)
    if row is None:
        pytest.fail(
            f"{endpoint.key} ({endpoint.route}) is not in the matrix: decide who may use it"
        )
    path = path_for(endpoint, library)
    got = {
        role: outcome(request(client_for(library, role), endpoint, row.method, path))
        for role in ROLES
    }
    assert got == {role: row.outcome(role) for role in ROLES}, path


def test_the_matrix_lists_only_urls_that_exist():
    keys = {endpoint.key for endpoint in ENDPOINTS}
    models = {endpoint.admin_model for endpoint in ENDPOINTS}
    assert set(MATRIX) - CONDITIONAL <= keys
    assert set(ADMIN_MODELS) <= models


def test_the_matrix_covers_the_admin_and_the_api():
    keys = {endpoint.key for endpoint in ENDPOINTS}
    assert {"admin:index", "search:api", "procedures:diff", "handouts:current"} <= keys
    assert "admin:procedures_procedureversion_change" in keys


# ---------------------------------------------------------------------------- what each one sees

STAFF_TOOLS = {"复制清单", "通话模式"}


def public_pages(library: Library) -> list[str]:
    slug = library.procedure.slug
    return [
        reverse("hall:home"),
        reverse("procedures:category", args=[library.procedure.category.slug]),
        reverse("procedures:detail", args=[slug]),
        reverse("procedures:history", args=[slug]),
        reverse("procedures:version", args=[slug, 1]),
        reverse("procedures:version", args=[slug, 2]),
        reverse("procedures:diff", args=[slug, 1, 2]),
        reverse("search:results") + "?q=生育服务手册",
    ]


def handouts(library: Library) -> list[str]:
    slug = library.procedure.slug
    return [
        reverse("handouts:current", args=[slug]),
        reverse("handouts:current", args=[slug]) + "?large=1",
        reverse("handouts:version", args=[slug, 1]),
        reverse("handouts:version", args=[slug, 2]),
    ]


# Words of the title, an alias, the internal notes and the draft.
SEARCHES = ("生育服务手册", "准生证", "核对居住证", "先查婚育系统", "尚未发布的新规定", "草稿")


def search_answers(client: Client) -> str:
    url = reverse("search:api")
    return "\n".join(client.get(url, {"q": q}).content.decode() for q in SEARCHES)


def pdf_text(pdf: bytes) -> str:
    run = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return run.stdout.decode()


def everything_shown(client: Client, library: Library) -> str:
    """The text of every public page, handout and search answer, as this client gets them."""
    texts = []
    call_mode = reverse("procedures:detail", args=[library.procedure.slug]) + "?view=call"
    searches = [reverse("search:results") + f"?q={q}" for q in SEARCHES]
    for url in [*public_pages(library), call_mode, *searches]:
        response = client.get(url)
        assert response.status_code == 200, url
        texts.append(response.content.decode())
    for url in handouts(library):
        response = client.get(url)
        assert response.status_code == 200, url
        texts.append(pdf_text(response.getvalue()))
    texts.append(search_answers(client))
    return "\n".join(texts)


def test_anonymous_visitors_never_see_internal_notes_or_drafts(library):
    shown = everything_shown(client_for(library, "anonymous"), library)
    assert "生育服务手册" in shown and "第二版的简介" in shown
    for secret in (*INTERNAL, DRAFT_TEXT, DRAFT_INTERNAL):
        assert secret not in shown, secret


def test_window_staff_see_internal_notes_but_never_drafts(library):
    client = client_for(library, "window")
    shown = everything_shown(client, library)
    for note in INTERNAL:
        assert note in shown, note
    assert DRAFT_TEXT not in shown and DRAFT_INTERNAL not in shown
    handout = client.get(reverse("handouts:current", args=[library.procedure.slug]))
    printed = pdf_text(handout.getvalue())  # a streamed body is read once
    assert not any(note in printed for note in INTERNAL)


class _PublicText(HTMLParser):
    """The text of <main>, leaving out what is marked internal, the hidden checklist, and what
    asks residents only (这个页面对您有帮助吗: staff report problems instead)."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._in_main = 0
        self._skipping: str | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        self._in_main += tag == "main"
        if self._skipping:
            self._depth += tag == self._skipping
        elif tag == "textarea" or any(
            mark in (dict(attrs).get("class") or "") for mark in ("internal", "for-residents")
        ):
            self._skipping, self._depth = tag, 1

    def handle_endtag(self, tag):
        if self._skipping and tag == self._skipping:
            self._depth -= 1
            self._skipping = self._skipping if self._depth else None
        elif not self._skipping:
            self._in_main -= tag == "main"

    def handle_data(self, data):
        if self._in_main and not self._skipping and data.strip():
            self.texts.append(data.strip())


def public_text(html: str) -> list[str]:
    parser = _PublicText()
    parser.feed(html)
    return parser.texts


def test_anonymous_and_window_staff_get_the_same_public_content(library):
    anonymous, window = client_for(library, "anonymous"), client_for(library, "window")
    for url in public_pages(library):
        resident = public_text(anonymous.get(url).content.decode())
        staff = public_text(window.get(url).content.decode())
        assert [text for text in staff if text not in STAFF_TOOLS] == resident, url


def draft_urls(library: Library, draft_only: Procedure) -> list[str]:
    """Where a draft would be if it were public: its would-be number, and a procedure that has
    nothing but a draft."""
    slug, number = library.procedure.slug, 3
    return [
        reverse("procedures:version", args=[slug, number]),
        reverse("handouts:version", args=[slug, number]),
        reverse("procedures:diff", args=[slug, 2, number]),
        reverse("procedures:detail", args=[draft_only.slug]),
        reverse("procedures:history", args=[draft_only.slug]),
        reverse("procedures:version", args=[draft_only.slug, 1]),
        reverse("handouts:current", args=[draft_only.slug]),
        reverse("handouts:version", args=[draft_only.slug, 1]),
        reverse("procedures:compare", args=[draft_only.slug]) + "?a=1&b=2",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_no_public_url_finds_a_draft(library, role):
    draft_only = make_draft("残疾人证", summary=DRAFT_TEXT).procedure
    client = client_for(library, role)
    for url in draft_urls(library, draft_only):
        response = client.get(url)
        assert response.status_code == 404, url
        assert DRAFT_TEXT not in response.content.decode()


@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_the_admins_view_on_site_link_of_a_draft_is_no_server_error(library, role):
    content_type = ContentType.objects.get_for_model(ProcedureVersion)
    url = reverse("admin:view_on_site", args=[content_type.pk, library.draft.pk])
    client = client_for(library, role)
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert DRAFT_TEXT not in Client().get(response["Location"]).content.decode()
