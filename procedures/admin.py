"""The editors' workspace. Published versions are read-only here; drafts are saved, created,
published and discarded only through `procedures.publishing`."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin, messages
from django.db.models import Count, F, ForeignKey, OuterRef, Q, QuerySet, Subquery
from django.forms import BaseInlineFormSet, Form, ModelChoiceField, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from procedures import bundles, flow_diagram, flows, publishing, timeline
from procedures.exceptions import ProcedureError
from procedures.forms import (
    CaseForm,
    DraftForm,
    FAQForm,
    MaterialForm,
    MaterialKindForm,
    MemberForm,
    ProcedureForm,
    QuestionForm,
    StepForm,
)
from procedures.models import (
    FAQ,
    PARTS,
    AuditEvent,
    Category,
    FlowCase,
    Material,
    MaterialKind,
    Member,
    Procedure,
    ProcedureVersion,
    Question,
    ReviewRules,
    Step,
)
from procedures.roles import PUBLISH

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups
    from django_stubs_ext import WithAnnotations

    class _ProcedureCount(TypedDict):
        procedure_count: int

    class _DraftCount(TypedDict):
        draft_count: int

    class _RowCount(TypedDict):
        row_count: int


admin.site.site_header = "办事指南 · 管理"
admin.site.site_title = "办事指南管理"
admin.site.index_title = "事项与版本"


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "procedure_count"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        categories: QuerySet[Category] = super().get_queryset(request)
        return categories.annotate(procedure_count=Count("procedures"))

    @admin.display(description="事项数", ordering="procedure_count")
    def procedure_count(self, category: WithAnnotations[Category, _ProcedureCount]) -> int:
        return category.procedure_count


def _standing(version: ProcedureVersion) -> str:
    """现行 / 待施行 / 已废止 … on today, from a row annotated by `timeline.with_in_force_id`."""
    state = timeline.state(version, getattr(version, "in_force_id", None), timezone.localdate())
    label = timeline.STATE_LABELS[state]
    if state == "draft":
        return f"{label} · {version.get_review_state_display()}"
    return label


class StandingFilter(admin.SimpleListFilter):
    """The state on today, as the 状态 column says it: the stored status cannot tell 现行 from a
    version whose successor is only scheduled."""

    title = "状态"
    parameter_name = "standing"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return list(timeline.STATE_LABELS.items())

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]
    ) -> QuerySet[ProcedureVersion]:
        today = timezone.localdate()
        enacted = queryset.exclude(status__in=["draft", "withdrawn"])
        chosen = {
            "draft": queryset.filter(status="draft"),
            "withdrawn": queryset.filter(status="withdrawn"),
            "upcoming": enacted.filter(effective_from__gt=today),
            "in_force": enacted.filter(pk=F("in_force_id")),
            "superseded": enacted.filter(effective_from__lte=today).exclude(pk=F("in_force_id")),
        }
        return chosen.get(self.value() or "", queryset)


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fk_name = "procedure"
    fields = readonly_fields = (
        "link",
        "standing",
        "effective_from",
        "change_summary",
        "published_by",
        "published_at",
    )
    extra = 0
    can_delete = False
    ordering = ["-number"]
    verbose_name_plural = "全部版本"

    def has_add_permission(self, request: HttpRequest, obj: Procedure | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcedureVersion]:
        return timeline.with_in_force_id(super().get_queryset(request))

    @admin.display(description="状态")
    def standing(self, version: ProcedureVersion) -> str:
        return _standing(version)

    @admin.display(description="版本")
    def link(self, version: ProcedureVersion) -> str:
        url = reverse("admin:procedures_procedureversion_change", args=[version.pk])
        return format_html('<a href="{}">{}</a>', url, version)


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    form = ProcedureForm
    inlines = [VersionInline]
    list_display = ["title", "category", "code", "state", "retired_at"]
    list_filter = ["category", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["slug", "code", "versions__title", "aliases"]
    list_select_related = ["category", "latest_version"]
    change_form_template = "admin/procedures/procedure/change_form.html"
    view_on_site = False  # the page's own 查看公开页面 goes there, shown once there is one

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Procedure]:
        procedures: QuerySet[Procedure] = super().get_queryset(request)
        drafts = Count("versions", filter=Q(versions__status="draft"))
        return procedures.annotate(draft_count=drafts)

    def has_change_permission(self, request: HttpRequest, obj: Procedure | None = None) -> bool:
        """Editors, who may change none of a procedure's own fields, view its page without save
        buttons; what residents read they change through its 新建草稿."""
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or request.user.has_perm(PUBLISH))

    def get_readonly_fields(self, request: HttpRequest, obj: Procedure | None = None) -> list[str]:
        if obj is None:
            return []
        if request.user.has_perm(PUBLISH):
            return ["slug", "kind", "catalogue_url"]
        # Not versioned, so public the moment they are saved: changed only by those who publish.
        return ["slug", "kind", "code", "category", "position", "aliases", "catalogue_url"]

    def get_fields(self, request: HttpRequest, obj: Procedure | None = None) -> _FieldGroups:
        fields: _FieldGroups = ["slug", "title", "kind", "code", "category", "position", "aliases"]
        # The provincial link comes from the official catalogue (import_catalogue).
        return [*(f for f in fields if f != "title"), "catalogue_url"] if obj else fields

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Procedure], search_term: str
    ) -> tuple[QuerySet[Procedure], bool]:
        """A family or bundle includes items only: its member picker offers nothing else."""
        if (request.GET.get("model_name"), request.GET.get("field_name")) == ("member", "target"):
            # GROUP BY (the draft count) drops Meta.ordering: the picker's pages need it back.
            queryset = queryset.filter(kind=Procedure.Kind.ITEM).order_by(
                "category__position", "position", "slug"
            )
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="事项名称")
    def title(self, procedure: Procedure) -> str:
        return str(procedure)

    @admin.display(description="状态")
    def state(self, procedure: WithAnnotations[Procedure, _DraftCount]) -> str:
        parts = [f"第 {procedure.latest_version.number} 版"] if procedure.latest_version else []
        if procedure.draft_count:
            parts.append("有草稿")
        return "，".join(parts) or "未发布"

    def save_model(
        self, request: HttpRequest, obj: Procedure, form: ProcedureForm, change: bool
    ) -> None:
        data = form.cleaned_data
        if change:  # by those who publish: has_change_permission
            publishing.update_procedure_details(
                obj,
                category=data["category"],
                code=data["code"],
                aliases=data["aliases"],
                position=data["position"],
                by=request.user,
            )
            return
        draft = publishing.create_procedure(
            slug=data["slug"],
            category=data["category"],
            title=data["title"],
            code=data["code"],
            aliases=data["aliases"],
            kind=data["kind"],
            by=request.user,
        )
        obj.pk = draft.procedure_id

    def save_related(
        self,
        request: HttpRequest,
        form: ProcedureForm,
        formsets: list[BaseInlineFormSet[Any, Any, Any]],
        change: bool,
    ) -> None:
        """Versions are not edited through this page's inline."""

    def construct_change_message(
        self,
        request: HttpRequest,
        form: Form,
        formsets: Any,
        add: bool = False,
    ) -> list[dict[str, dict[str, list[str]]]]:
        return super().construct_change_message(request, form, [], add)  # inline is read-only

    def response_add(
        self, request: HttpRequest, obj: Procedure, post_url_continue: str | None = None
    ) -> HttpResponse:
        messages.success(request, "事项已创建，请填写草稿内容后发布。")
        # The draft save_model made: looked up, not kept on this admin, which every request shares.
        draft = obj.versions.get(status=ProcedureVersion.Status.DRAFT)
        url = reverse("admin:procedures_procedureversion_change", args=[draft.pk])
        return HttpResponseRedirect(url)


class PartInline(admin.StackedInline):
    """Steps, materials and FAQs of a version: editable while it is a draft, dragged to reorder."""

    extra = 0
    classes = ["sortable-inline"]

    def _editable(self, obj: ProcedureVersion | None) -> bool:
        return obj is not None and obj.is_draft

    def has_add_permission(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(
        self, request: HttpRequest, obj: ProcedureVersion | None = None
    ) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(
        self, request: HttpRequest, obj: ProcedureVersion | None = None
    ) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class WordsInline(PartInline):
    """A part with JSON fields: on a version on record they are shown in words, not as JSON."""

    in_words: dict[str, str] = {}  # field → the method showing it in words

    def get_fields(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> _FieldGroups:
        fields = super().get_fields(request, obj)
        if self._editable(obj):
            return fields
        return [self.in_words.get(f, f) if isinstance(f, str) else f for f in fields]

    def get_readonly_fields(
        self, request: HttpRequest, obj: ProcedureVersion | None = None
    ) -> list[str] | tuple[str, ...]:
        return [*super().get_readonly_fields(request, obj), *self.in_words.values()]

    @admin.display(description="情形条件")
    def when_in_words(self, row: Material | Member) -> str:
        return flows.describe(flows.condition_from_data(row.when)) or "无条件"


class MaterialInline(WordsInline):
    model = Material
    form = MaterialForm
    # The position field is hidden (rows are dragged): it must stand on a line of its own.
    fields = [
        "position",
        ("kind", "name"),
        ("form", "copies", "required"),
        "condition",
        "when",
        "note",
    ]
    autocomplete_fields = ["kind"]
    in_words = {"when": "when_in_words"}


class StepInline(PartInline):
    model = Step
    form = StepForm


class FAQInline(PartInline):
    model = FAQ
    form = FAQForm


class QuestionInline(WordsInline):
    model = Question
    form = QuestionForm
    fields = ["position", ("label", "text"), "options", "help"]
    in_words = {"options": "options_in_words"}

    @admin.display(description="选项")
    def options_in_words(self, question: Question) -> str:
        return " / ".join(str(option) for option in question.options or ())


class MemberInline(WordsInline):
    model = Member
    form = MemberForm
    fields = ["position", "target", "when", "note"]
    autocomplete_fields = ["target"]
    in_words = {"when": "when_in_words"}

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "target":
            kwargs["queryset"] = Procedure.objects.filter(kind=Procedure.Kind.ITEM)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CaseInline(WordsInline):
    model = FlowCase
    form = CaseForm
    in_words = {"answers": "answers_in_words", "materials": "materials_in_words"}

    def get_fields(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> _FieldGroups:
        family = obj is not None and obj.procedure.kind == Procedure.Kind.FAMILY
        names = ["position", "name", "answers", *(["variant"] if family else []), "materials"]
        if self._editable(obj):
            return [*names]
        return [self.in_words.get(f, f) for f in names]

    @admin.display(description="回答")
    def answers_in_words(self, case: FlowCase) -> str:
        answers = [a for a in case.answers or () if isinstance(a, dict)]
        return " · ".join(f"{a.get('question')}：{a.get('option')}" for a in answers) or "没有回答"

    @admin.display(description="应提交的材料")
    def materials_in_words(self, case: FlowCase) -> str:
        return "、".join(str(name) for name in case.materials or ()) or "没有"

    def get_formset(
        self, request: HttpRequest, obj: ProcedureVersion | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[Any, Any, Any]]:
        if obj is not None and obj.procedure.kind == Procedure.Kind.FAMILY:
            # The items a case may point to, read once for all the rows of the page.
            kwargs["form"] = type("FamilyCaseForm", (CaseForm,), {"variants": _items()})
        return super().get_formset(request, obj, **kwargs)


def _items() -> list[tuple[str, str, int]]:
    """(slug, title, id) of every item, titled by its latest version, in one query."""
    latest = ProcedureVersion.objects.filter(procedure=OuterRef("pk")).order_by("-pk")
    items = Procedure.objects.filter(kind=Procedure.Kind.ITEM).annotate(
        shown_title=Subquery(latest.values("title")[:1])
    )
    return [
        (slug, f"{title or slug}（{slug}）", pk)
        for slug, title, pk in items.values_list("slug", "shown_title", "pk")
    ]


@dataclasses.dataclass(frozen=True)
class CaseResult:
    name: str
    failures: list[str]
    actual: str  # what the flow gives for the case's answers, in words


@dataclasses.dataclass(frozen=True)
class FlowReport:
    """What the flow check finds in a version, as the draft editor shows it."""

    blocking: list[str]
    warnings: list[str]
    cases: list[CaseResult]
    diagram: SafeString

    @property
    def cases_pass(self) -> bool:
        return all(not case.failures for case in self.cases)


def has_flow(flow: flows.Flow) -> bool:
    return bool(
        flow.kind != Procedure.Kind.ITEM
        or flow.questions
        or flow.cases
        or any(material.when for material in flow.materials)
    )


def flow_report(version: ProcedureVersion) -> FlowReport | None:
    """The checks, each case's result and the diagram; None for a version without a flow."""
    version = (
        ProcedureVersion.objects.select_related("procedure")
        .prefetch_related("materials__kind", "questions", "members__target", "cases")
        .get(pk=version.pk)
    )
    flow = flows.flow_of_version(version)
    if not has_flow(flow):
        return None
    resolve = bundles.database_resolver()
    problems = flows.check(flow, resolve)
    cases = [
        CaseResult(case.name, flows.run_case(flow, case, resolve), _actual(flow, case, resolve))
        for case in flow.cases
    ]
    failures = {failure for case in cases for failure in case.failures}
    return FlowReport(
        blocking=[p.message for p in problems if p.blocking and p.message not in failures],
        warnings=[p.message for p in problems if not p.blocking],
        cases=cases,
        diagram=flow_diagram.render(flow),
    )


def _actual(flow: flows.Flow, case: flows.FlowCase, resolve: flows.Resolver) -> str:
    result = flows.outcome(flow, dict(case.answers), resolve)
    titles = {member.slug: member.title or member.slug for member in flow.members}
    parts = []
    if flow.kind != Procedure.Kind.ITEM:
        chosen = "、".join(titles.get(slug, slug) for slug in result.variants)
        parts.append(f"适用的事项：{chosen or '没有'}")
    parts.append(f"需要的材料：{'、'.join(result.needed) or '没有'}")
    if result.undecided:
        parts.append(f"还定不下来：{'、'.join(result.undecided)}")
    return "；".join(parts)


def _listed(texts: list[str]) -> str:
    """Sentences joined into one message: 甲；乙。"""
    return "；".join(text.rstrip("。") for text in texts) + "。"


def report_messages(request: HttpRequest, report: FlowReport) -> None:
    """The flow check after a save: cases passed or failed, what blocks review, what to look at."""
    if report.blocking:
        messages.error(
            request, "情形引导有问题，提交审核和发布前必须改正：" + _listed(report.blocking)
        )
    if report.cases and report.cases_pass and not report.blocking:
        messages.success(request, f"测试用例：{len(report.cases)} 个全部通过。")
    elif report.cases and not report.cases_pass:
        failures = [failure for case in report.cases for failure in case.failures]
        messages.error(request, "测试用例未通过：" + _listed(failures))
    if report.warnings:
        messages.warning(request, "情形引导提醒：" + _listed(report.warnings))


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    form = DraftForm
    list_display = ["__str__", "procedure", "standing", "effective_from", "published_by"]
    list_filter = [StandingFilter, "procedure__category"]
    search_fields = ["title", "procedure__slug"]
    list_select_related = ["procedure", "published_by"]
    change_form_template = "admin/procedures/procedureversion/change_form.html"
    readonly_fields = ["standing", "number", "published_at", "published_by", "revision"]

    class Media:
        js = ["js/admin_sortable.js", "js/admin_unsaved.js", "js/admin_flows.js"]
        css = {"all": ["css/admin.css", "css/admin_flows.css"]}

    def get_inlines(
        self, request: HttpRequest, obj: ProcedureVersion | None
    ) -> list[type[admin.options.InlineModelAdmin[Any, Any]]]:
        if obj is None:
            return []
        if obj.procedure.is_composite:  # its materials come from the items it includes
            return [QuestionInline, MemberInline, StepInline, FAQInline, CaseInline]
        return [MaterialInline, StepInline, FAQInline, QuestionInline, CaseInline]

    def get_fields(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> _FieldGroups:
        fields = DraftForm.Meta.fields
        if obj is not None and obj.is_draft:
            return [*fields, "expected_revision"]
        return ["number", "standing", "published_at", "published_by", *fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # drafts are made from a procedure: “新建草稿”

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcedureVersion]:
        return timeline.with_in_force_id(super().get_queryset(request))

    @admin.display(description="状态")
    def standing(self, version: ProcedureVersion) -> str:
        return _standing(version)

    def has_change_permission(
        self, request: HttpRequest, obj: ProcedureVersion | None = None
    ) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.is_draft)

    def has_delete_permission(
        self, request: HttpRequest, obj: ProcedureVersion | None = None
    ) -> bool:
        return False  # discarding a draft goes through the publishing service

    def save_model(
        self, request: HttpRequest, obj: ProcedureVersion, form: DraftForm, change: bool
    ) -> None:
        """Written in save_related, together with the parts, by the publishing service."""

    def save_related(
        self,
        request: HttpRequest,
        form: DraftForm,
        formsets: list[BaseInlineFormSet[Any, Any, Any]],
        change: bool,
    ) -> None:
        content = {name: form.cleaned_data[name] for name in DraftForm.Meta.fields}
        parts = {
            # What BaseFormSet.__init__ set it to; the stubs allow None.
            (formset.prefix or formset.get_default_prefix()): _ordered_rows(formset)
            for formset in formsets
        }
        try:
            saved = publishing.save_draft(
                form.instance,
                content=content,
                parts=parts,
                expected_revision=form.cleaned_data["expected_revision"],
                by=request.user,
            )
        except ProcedureError as error:
            # A flag for this request's log_change and response_change, read with getattr.
            setattr(request, "draft_save_refused", True)  # noqa: B010
            messages.error(request, str(error))
            return
        if form.instance.review_state != saved.review_state:
            messages.warning(
                request, "这份草稿原已提交审核；修改后它退出了审核。改完后请再点“提交审核…”。"
            )
        if report := flow_report(saved):
            report_messages(request, report)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: ProcedureVersion | None = None,
    ) -> HttpResponse:
        if obj is not None:
            context["flow_report"] = flow_report(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Django stores a text change message as it is; the stubs allow only the structured list.
    def construct_change_message(  # type: ignore[override]
        self,
        request: HttpRequest,
        form: ModelForm[ProcedureVersion],
        formsets: Any,
        add: bool = False,
    ) -> str:
        return "保存草稿"

    # Nothing is logged for a refused save; Django ignores what log_change returns.
    def log_change(  # type: ignore[override]
        self, request: HttpRequest, obj: ProcedureVersion, message: Any
    ) -> None:
        if not getattr(request, "draft_save_refused", False):
            super().log_change(request, obj, message)

    def response_change(self, request: HttpRequest, obj: ProcedureVersion) -> HttpResponse:
        """A save refused by the publishing service reopens the draft, with only its error."""
        if getattr(request, "draft_save_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


def _ordered_rows(formset: BaseInlineFormSet[Any, Any, Any]) -> list[dict[str, Any]]:
    """A formset's kept rows, in the order of their position fields, as plain dicts."""
    model_fields = next(fields for name, model, fields in PARTS if model is formset.model)
    rows = [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
    rows.sort(key=lambda row: row.get("position") or 0)
    # A material's kind picked (or None: matched by name when saved); a member's procedure.
    kept = (*model_fields, "kind", "target")
    return [{field: row[field] for field in kept if field in row} for row in rows]


@admin.register(MaterialKind)
class MaterialKindAdmin(admin.ModelAdmin):
    """The catalogue editors pick materials from; a kind in use cannot be deleted."""

    form = MaterialKindForm
    list_display = ["name", "alias_list", "issuer", "electronic", "row_count"]
    list_filter = ["electronic"]
    search_fields = ["name", "aliases", "issuer"]
    fields = ["name", "aliases", "issuer", "electronic", "note"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[MaterialKind]:
        kinds: QuerySet[MaterialKind] = super().get_queryset(request)
        # GROUP BY drops Meta.ordering: the list and the autocomplete need it back.
        return kinds.annotate(row_count=Count("materials")).order_by("name")

    @admin.display(description="别名")
    def alias_list(self, kind: MaterialKind) -> str:
        return "、".join(kind.aliases)

    @admin.display(description="材料条目数", ordering="row_count")
    def row_count(self, kind: WithAnnotations[MaterialKind, _RowCount]) -> int:
        return kind.row_count

    def view_on_site(self, kind: MaterialKind) -> str:
        return kind.get_absolute_url()


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "procedure", "version_label", "user", "detail"]
    list_filter = ["action", "user"]
    search_fields = ["procedure__slug", "version_label", "detail"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False


@admin.register(ReviewRules)
class ReviewRulesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "allow_self_approval"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # The one row, by those who may add it (superusers): never a second.
        return super().has_add_permission(request) and not ReviewRules.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: ReviewRules | None = None) -> bool:
        return False
