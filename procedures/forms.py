"""Forms for editors: they read and check input; the publishing service does the writing."""

import datetime
import json
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from markdownx.widgets import AdminMarkdownxWidget

from procedures import flows
from procedures.batch_changes import Change
from procedures.models import (
    FAQ,
    VERSION_CONTENT_FIELDS,
    BatchChange,
    FlowCase,
    Material,
    MaterialKind,
    Member,
    Procedure,
    ProcedureVersion,
    Question,
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
        fields = ["slug", "title", "kind", "code", "category", "position", "aliases"]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "kind" in self.fields:  # chosen once, when the procedure is created
            self.fields["kind"].required = False
            self.fields["kind"].help_text += "创建后不能再改。"

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or Procedure.Kind.ITEM

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


class ConditionWidget(forms.HiddenInput):
    """A condition as JSON in a hidden input; admin_flows.js shows it as rows of dropdowns."""

    template_name = "procedures/widgets/flow_condition.html"
    is_hidden = False  # the admin shows the row, with its label, around the dropdowns

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["summary"] = flows.describe(_parsed_list(value)) if value else ""
        return context


class AnswersWidget(forms.HiddenInput):
    """A case's answers as JSON; admin_flows.js shows one dropdown per question."""

    template_name = "procedures/widgets/flow_answers.html"
    is_hidden = False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        answers = [a for a in _parsed_list(value) if isinstance(a, dict)]
        context["summary"] = " · ".join(f"{a.get('question')}：{a.get('option')}" for a in answers)
        return context


def _parsed_list(value: Any) -> list[Any]:
    """What a widget was given (a JSON string, or the stored list) as a list; [] if unreadable."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return value if isinstance(value, list) else []


class JSONListField(forms.Field):
    """A list kept as JSON in a hidden input that the page's script writes."""

    unreadable = "没能读懂提交的内容。"

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return value  # as posted, shown again with the form's errors
        return json.dumps(value or [], ensure_ascii=False)

    def to_python(self, value: Any) -> list[Any]:
        if value in (None, ""):
            return []
        try:
            data = json.loads(value)
        except (TypeError, ValueError):
            raise forms.ValidationError(self.unreadable) from None
        if not isinstance(data, list):
            raise forms.ValidationError(self.unreadable)
        return data

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != (initial or [])
        except forms.ValidationError:
            return True


class ConditionField(JSONListField):
    """A `when` condition: clauses of a question, 是 or 不是, and the options ticked.

    Whether the questions and options exist is the flow's check (`flows.check`): a question
    added on the same page exists only once the page is saved.
    """

    widget = ConditionWidget
    unreadable = "情形条件没能读懂（格式不对）。请刷新页面后重新选择条件。"

    def to_python(self, value: Any) -> list[dict[str, Any]]:
        clauses = []
        asked: set[str] = set()
        for number, clause in enumerate(super().to_python(value), start=1):
            where = f"第 {number} 条条件"
            if not isinstance(clause, dict):
                raise forms.ValidationError(f"{where}格式不对，请重新选择。")
            label = clause.get("question")
            if not isinstance(label, str) or not label.strip():
                raise forms.ValidationError(f"{where}没有选择问题。")
            label = label.strip()
            if clause.get("op") not in flows.OPS:
                raise forms.ValidationError(f"{where}（{label}）应选“是”或“不是”。")
            options = clause.get("options")
            if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
                raise forms.ValidationError(f"{where}（{label}）的选项格式不对，请重新勾选。")
            if not options:
                raise forms.ValidationError(f"{where}（{label}）没有勾选任何选项。")
            if label in asked:
                raise forms.ValidationError(f"问题「{label}」写了两条条件，请合并成一条。")
            asked.add(label)
            clauses.append({"question": label, "op": clause["op"], "options": _unique(options)})
        return clauses


class AnswersField(JSONListField):
    """A test case's answers: at most one option for each question."""

    widget = AnswersWidget
    unreadable = "测试用例的回答没能读懂（格式不对）。请刷新页面后重新选择。"

    def to_python(self, value: Any) -> list[dict[str, str]]:
        answers = []
        asked: set[str] = set()
        for answer in super().to_python(value):
            question = answer.get("question") if isinstance(answer, dict) else None
            option = answer.get("option") if isinstance(answer, dict) else None
            if not isinstance(question, str) or not isinstance(option, str):
                raise forms.ValidationError(self.unreadable)
            if not option:
                continue  # 不回答
            if question in asked:
                raise forms.ValidationError(f"问题「{question}」回答了两次。")
            asked.add(question)
            answers.append({"question": question, "option": option})
        return answers


def _unique(texts: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(text.strip() for text in texts if text.strip()))


class LinesField(forms.CharField):
    """A list edited one item per line; blank lines are dropped."""

    def __init__(self, *, rows: int = 4, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    # A CharField whose Python value is the list of its lines, not a str.
    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class OptionsField(LinesField):
    """A question's options, one a line; two that the URL could not tell apart are refused."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        options = super().to_python(value)
        seen: dict[str, str] = {}
        for option in options:
            earlier = seen.get(flows.param_name(option))
            if earlier == option:
                raise forms.ValidationError(f"选项「{option}」写了两次，请删掉一行。")
            if earlier is not None:
                raise forms.ValidationError(
                    f"选项「{earlier}」和「{option}」拼音相同，网址里分不开，请改写其中一个。"
                )
            seen[flows.param_name(option)] = option
        return options


class MaterialForm(forms.ModelForm):
    """A material row: pick its kind from the catalogue, or type a name (matched when saved)."""

    when = ConditionField(
        label="情形条件",
        required=False,
        help_text="按情形提交的材料：选择回答哪些情形问题时需要它。设了条件的材料不能勾选“是否必需”。",
    )

    class Meta:
        model = Material
        fields = [
            "position",
            "kind",
            "name",
            "form",
            "copies",
            "required",
            "condition",
            "when",
            "note",
        ]

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
        # A required material shows no condition: its 适用情形 would silently vanish from the
        # checklist, and every resident would be told to bring it.
        if cleaned.get("required"):
            if cleaned.get("when"):
                self.add_error(
                    "required",
                    "这份材料设了情形条件，应为按情形提交：请取消勾选“是否必需”，或删掉条件。",
                )
            elif (cleaned.get("condition") or "").strip():
                self.add_error(
                    "required",
                    "这份材料写了适用情形，应为按情形提交：请取消勾选“是否必需”，或删掉适用情形。",
                )
        return cleaned


class QuestionForm(forms.ModelForm):
    """A 情形问题: its options edited one per line."""

    options = OptionsField(
        label="选项",
        rows=3,
        help_text="每行一个选项，写成能单独读懂的短语，例如“本区户籍”“外地户籍”。至少两个。",
    )

    class Meta:
        model = Question
        fields = ["position", "label", "text", "options", "help"]


class MemberForm(forms.ModelForm):
    """A procedure a family or a bundle includes: an item, with the case it applies in."""

    when = ConditionField(
        label="情形条件", required=False, help_text="不设条件：任何情形都办（都适用）。"
    )

    class Meta:
        model = Member
        fields = ["position", "target", "when", "note"]
        error_messages = {
            "target": {
                "invalid_choice": "只能包含普通事项：一件事和同类事项引导不能再被包含。",
            }
        }


class VariantSelect(forms.Select):
    """A family's members: each option carries its procedure's id, which admin_flows.js
    matches to the member rows on the page."""

    ids: dict[str, int] = {}

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if option["value"] in self.ids:
            option["attrs"]["data-pk"] = self.ids[option["value"]]
        return option


class CaseForm(forms.ModelForm):
    """An editor's test case: answers picked per question, what must follow from them."""

    answers = AnswersField(
        label="回答", required=False, help_text="每个问题选一个回答；不选表示不回答这个问题。"
    )
    materials = LinesField(
        label="应提交的材料",
        required=False,
        rows=4,
        help_text="这一情形下需要提交的全部材料，每行一个，写材料名称。",
    )
    # (slug, title, procedure id) of the items a family may point to: set per request.
    variants: Sequence[tuple[str, str, int]] = ()

    class Meta:
        model = FlowCase
        fields = ["position", "name", "answers", "variant", "materials"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "variant" in self.fields:
            widget = VariantSelect(attrs={"class": "flow-variant"})
            widget.ids = {slug: pk for slug, _, pk in self.variants}
            choices = [("", "（请选择）"), *((slug, title) for slug, title, _ in self.variants)]
            self.fields["variant"] = forms.ChoiceField(
                label="应指向的事项",
                required=False,
                choices=choices,
                widget=widget,
                help_text="这些回答应选中的事项（从“包含的事项”里选）。",
            )


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
