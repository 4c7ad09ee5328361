from typing import Any

from django import forms

from procedures.models import ProcedureVersion
from training.models import ReadingPath
from training.people import name_of, staff_members


class ConfirmForm(forms.Form):
    """我已读完: the version read, and the path it was read in (to come back to it)."""

    version = forms.ModelChoiceField(
        ProcedureVersion.objects.on_record().select_related("procedure"),
        error_messages={"invalid_choice": "找不到要确认的版本，请刷新页面后再试。"},
    )
    path = forms.ModelChoiceField(ReadingPath.objects.all(), required=False)


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return name_of(obj)


class AssignForm(forms.Form):
    users = PeopleField(
        staff_members(),
        label="分配给",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "请至少选择一位学习人。",
            "invalid_choice": "所选人员不在工作人员名单中。",
        },
    )
    due_date = forms.DateField(
        label="完成期限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="可不填；过了期限仍未读现版的，标为“到期未读”。",
        error_messages={"invalid": "请填写正确的日期，例如 2026-12-31。"},
    )
