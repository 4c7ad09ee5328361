"""The editors' workspace. Published versions are read-only here; drafts are saved, created,
published and discarded only through `procedures.publishing`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.forms import BaseInlineFormSet, Form, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from procedures import publishing
from procedures.exceptions import ProcedureError
from procedures.forms import (
    DraftForm,
    FAQForm,
    MaterialForm,
    MaterialKindForm,
    ProcedureForm,
    StepForm,
)
from procedures.models import (
    FAQ,
    PARTS,
    AuditEvent,
    Category,
    Material,
    MaterialKind,
    Procedure,
    ProcedureVersion,
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


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fk_name = "procedure"
    fields = readonly_fields = (
        "link",
        "status",
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Procedure]:
        procedures: QuerySet[Procedure] = super().get_queryset(request)
        drafts = Count("versions", filter=Q(versions__status="draft"))
        return procedures.annotate(draft_count=drafts)

    def get_readonly_fields(self, request: HttpRequest, obj: Procedure | None = None) -> list[str]:
        if obj is None:
            return []
        if request.user.has_perm(PUBLISH):
            return ["slug"]
        # Not versioned, so public the moment they are saved: changed only by those who publish.
        return ["slug", "code", "category", "position", "aliases"]

    def get_fields(self, request: HttpRequest, obj: Procedure | None = None) -> _FieldGroups:
        fields: _FieldGroups = ["slug", "title", "code", "category", "position", "aliases"]
        return [f for f in fields if f != "title"] if obj else fields

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
        if change:
            if request.user.has_perm(PUBLISH):
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


class MaterialInline(PartInline):
    model = Material
    form = MaterialForm
    # The position field is hidden (rows are dragged): it must stand on a line of its own.
    fields = ["position", ("kind", "name"), ("form", "copies", "required"), "condition", "note"]
    autocomplete_fields = ["kind"]


class StepInline(PartInline):
    model = Step
    form = StepForm


class FAQInline(PartInline):
    model = FAQ
    form = FAQForm


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    form = DraftForm
    inlines = [MaterialInline, StepInline, FAQInline]
    list_display = ["__str__", "procedure", "status", "effective_from", "published_by"]
    list_filter = ["status", "procedure__category"]
    search_fields = ["title", "procedure__slug"]
    list_select_related = ["procedure", "published_by"]
    change_form_template = "admin/procedures/procedureversion/change_form.html"
    readonly_fields = ["status", "number", "published_at", "published_by", "revision"]

    class Media:
        js = ["js/admin_sortable.js", "js/admin_unsaved.js"]
        css = {"all": ["css/admin.css"]}

    def get_fields(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> _FieldGroups:
        fields = DraftForm.Meta.fields
        if obj is not None and obj.is_draft:
            return [*fields, "expected_revision"]
        return ["number", "status", "published_at", "published_by", *fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # drafts are made from a procedure: “新建草稿”

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
    kept = (*model_fields, "kind")  # the kind picked (or None: matched by name when saved)
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
