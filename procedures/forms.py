"""Forms for editors: they read and check input; the publishing service does the writing."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from markdownx.widgets import AdminMarkdownxWidget

from procedures.batch_changes import Change
from procedures.models import (
    FAQ,
    VERSION_CONTENT_FIELDS,
    BatchChange,
    Material,
    MaterialKind,
    Procedure,
    ProcedureVersion,
    Step,
)
from procedures.rendering import MarkdownLengthValidator


class AliasesField(forms.CharField):
    """Aliases edited one per line, stored as a list."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    # A CharField whose Python value is the list of its lines, not a str.
    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        lines = (line.strip() for line in (value or "").splitlines())
        return list(dict.fromkeys(line for line in lines if line))


class ProcedureForm(forms.ModelForm):
    aliases = AliasesField(
        label="俗称/别名", required=False, help_text="每行一个，居民常说的叫法，例如“准生证”。"
    )
    title = forms.CharField(label="事项名称", max_length=200, required=False)

    class Meta:
        model = Procedure
        fields = ["slug", "title", "code", "category", "position", "aliases"]

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if self.instance.pk is None and not title:
            raise forms.ValidationError("新建事项需要填写事项名称。")
        return title


def limit_markdown(form: forms.BaseForm, *names: str) -> None:
    """Refuse Markdown too long to render quickly, naming the field in the message."""
    for name in names:
        if field := form.fields.get(name):  # not on the admin's read-only form
            field.validators.append(MarkdownLengthValidator(str(field.label)))


class DraftForm(forms.ModelForm):
    """A draft's own fields, plus the revision the editor opened, to refuse stale saves."""

    expected_revision = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ProcedureVersion
        fields = [*VERSION_CONTENT_FIELDS, "change_summary", "effective_from"]
        widgets = {
            "conditions": AdminMarkdownxWidget,
            "summary": forms.Textarea(attrs={"rows": 2}),
            "audience": forms.Textarea(attrs={"rows": 2}),
            "basis": forms.Textarea(attrs={"rows": 3}),
            "staff_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_markdown(self, "conditions")
        if self.instance.pk:
            self.fields["expected_revision"].initial = self.instance.revision

    def clean_expected_revision(self) -> int:
        expected: int = self.cleaned_data["expected_revision"]
        stored = (
            ProcedureVersion.objects.filter(pk=self.instance.pk)
            .values_list("revision", flat=True)
            .first()
        )
        if stored is not None and stored != expected:
            raise forms.ValidationError(
                "这份草稿在您打开之后已被他人保存。为免覆盖对方的修改，您的修改没有保存："
                "请复制您改动的内容，重新打开草稿后再改。"
            )
        return expected


class MaterialForm(forms.ModelForm):
    """A material row: pick its kind from the catalogue, or type a name (matched when saved)."""

    class Meta:
        model = Material
        fields = ["position", "kind", "name", "form", "copies", "required", "condition", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = False
        self.fields["name"].required = False

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        kind: MaterialKind | None = cleaned.get("kind")
        name = (cleaned.get("name") or "").strip()
        if not name:
            if not kind:
                raise forms.ValidationError("请从材料目录中选择，或填写材料名称。")
            name = kind.name
        cleaned["name"] = name
        return cleaned


class MaterialKindForm(forms.ModelForm):
    aliases = AliasesField(
        label="别名", required=False, help_text="每行一个，例如“身份证”。导入时按别名归入这一种。"
    )

    class Meta:
        model = MaterialKind
        fields = ["name", "aliases", "issuer", "electronic", "note"]


class StepForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = ["position", "title", "body", "staff_note"]
        widgets = {"body": AdminMarkdownxWidget, "staff_note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_markdown(self, "body")


class FAQForm(forms.ModelForm):
    class Meta:
        model = FAQ
        fields = ["position", "question", "answer"]
        widgets = {"answer": AdminMarkdownxWidget}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_markdown(self, "answer")


class SubmitForm(forms.Form):
    """An editor's request for review: what changed, and the date they propose."""

    change_summary = forms.CharField(
        label="修改说明",
        max_length=500,
        help_text="这一版改了什么、依据哪份文件。审核人据此核对，发布后居民和同事也会看到。",
    )
    effective_from = forms.DateField(
        label="建议施行日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="可不填：由审核人发布时确定。",
    )


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label="退回意见",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="编辑打开草稿时会看到：需要改什么、为什么。",
    )


class PublishForm(forms.Form):
    change_summary = forms.CharField(
        label="修改说明", max_length=500, help_text="这一版改了什么，居民和同事都会看到。"
    )
    effective_from = forms.DateField(
        label="施行日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="可以是将来的日期：到那天才施行，之前仍按现行版本办理。",
    )

    scheduled = forms.ChoiceField(
        label="待施行的版本",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("carry", "把这次更正带入待施行的版本：生成一份新草稿，审核后按原定日期发布"),
            ("withdraw", "撤回待施行的版本（写明原因）"),
        ],
    )
    withdraw_reason = forms.CharField(label="撤回原因", max_length=300, required=False)
    change_kind = forms.ChoiceField(
        label="变更性质",
        widget=forms.RadioSelect,
        choices=[
            (
                ProcedureVersion.ChangeKind.SUBSTANTIVE,
                "实质变更：材料、步骤、条件、时限等办法变了，工作人员需要重读",
            ),
            (
                ProcedureVersion.ChangeKind.EDITORIAL,
                "文字修订：只改了错别字或措辞，办法没变，已读记录仍然有效",
            ),
        ],
        error_messages={"required": "请选择这次修改是实质变更还是文字修订。"},
    )

    def __init__(self, *args: Any, first_version: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if first_version:  # nobody has read an earlier version: the first one is substantive
            del self.fields["change_kind"]

    def clean_effective_from(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["effective_from"]
        if day < timezone.localdate() - datetime.timedelta(days=366):
            raise forms.ValidationError("施行日期不能早于一年前。")
        return day


class BatchForm(forms.Form):
    """A batch change (批量修订) of one kind of material: what changes, and in which procedures.

    Only the fields are read here; `batch_changes` says which combinations are complete.
    """

    operation = forms.ChoiceField(
        label="修改方式", choices=BatchChange.Operation.choices, widget=forms.RadioSelect
    )
    condition = forms.CharField(
        label="适用情形",
        max_length=300,
        required=False,
        help_text="改为按情形提交时必填：什么情况下需要，例如“户籍不在本区的”。",
    )
    form = forms.ChoiceField(
        label="形式", required=False, choices=[("", "（不改）"), *Material.Form.choices]
    )
    copies = forms.IntegerField(
        label="份数", min_value=1, required=False, help_text="留空表示不改。"
    )
    new_name = forms.CharField(
        label="新名称", max_length=200, required=False, help_text="改名时必填：告知居民的新写法。"
    )
    change_summary = forms.CharField(
        label="修改说明",
        max_length=500,
        required=False,
        help_text="创建时必填：每个事项的新版本都写上它，居民和同事都会看到。",
    )
    effective_from = forms.DateField(
        label="拟施行日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="可以不填：审核发布时统一确定。",
    )
    procedures = forms.ModelMultipleChoiceField(
        label="事项", queryset=Procedure.objects.all(), required=False
    )

    def change(self, kind: MaterialKind) -> Change:
        fields = ("operation", "condition", "form", "copies", "new_name")
        return Change(kind=kind, **{name: self.cleaned_data[name] for name in fields})


class BatchPublishForm(PublishForm):
    """One effective date for every draft of a batch; each keeps the batch's change summary."""

    change_summary = None  # type: ignore[assignment]
