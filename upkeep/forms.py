from django import forms

from upkeep.models import PageFeedback, Report
from upkeep.reports import DESCRIPTION_LIMIT


class ReportForm(forms.Form):
    cause = forms.ChoiceField(
        label="问题原因", choices=Report.Cause.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label="问题描述",
        max_length=DESCRIPTION_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": DESCRIPTION_LIMIT}),
        help_text="哪里不对、现在应该怎样；例如“窗口已不收复印件，需原件核验”。",
        error_messages={"required": "请写一句问题描述。"},
    )
    case_number = forms.CharField(
        label="办件编号（可不填）",
        max_length=50,
        required=False,
        help_text="办不成的件，填上办件编号便于追踪。",
    )
    complex_case = forms.BooleanField(
        label="涉及多部门协调的复杂问题（10 个工作日内处理）", required=False
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="处理结果",
        choices=[("fixed", "已在新版本中修改"), ("unchanged", "无需修改")],
        widget=forms.RadioSelect,
    )
    version = forms.TypedChoiceField(label="修改它的版本", coerce=int, required=False)
    reason = forms.CharField(
        label="无需修改的理由",
        required=False,
        max_length=490,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 490}),
        help_text="报告人会看到这条理由。",
    )

    def __init__(self, *args, versions=(), **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [  # type: ignore[attr-defined]
            (v.pk, f"第 {v.number} 版（{v.effective_from:%Y-%m-%d} 起施行）：{v.change_summary}")
            for v in versions
        ]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean() or {}
        if data.get("outcome") == "fixed" and not data.get("version"):
            self.add_error("version", "请选择修改了这个问题的版本。")
        if data.get("outcome") == "unchanged" and not (data.get("reason") or "").strip():
            self.add_error("reason", "请写明为什么无需修改。")
        return data


class ConfirmForm(forms.Form):
    note = forms.CharField(
        label="复核说明（可不填）",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"maxlength": 300}),
    )


class FeedbackForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput)
    helpful = forms.ChoiceField(choices=[("1", "有帮助"), ("0", "没帮到")])
    reason = forms.ChoiceField(
        label="哪里没帮到您？", choices=PageFeedback.Reason.choices, required=False
    )
    comment = forms.CharField(label="还想说的（可不填）", max_length=200, required=False)
