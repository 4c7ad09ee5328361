"""The one form that attaches a file: to a kind of material, everywhere or in one procedure."""

from django import forms

from blank_forms.models import FormAttachment
from procedures.models import MaterialKind

EVERYWHERE, HERE = "everywhere", "here"


class AttachForm(forms.Form):
    kind = forms.TypedChoiceField(label="材料", coerce=int)
    scope = forms.ChoiceField(
        label="显示在",
        choices=[(HERE, "仅本事项"), (EVERYWHERE, "所有需要这种材料的事项")],
        widget=forms.RadioSelect,
        initial=HERE,
    )
    role = forms.ChoiceField(
        label="用途", choices=FormAttachment.Role.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label="表格名称",
        max_length=100,
        required=False,
        help_text="居民看到的名称，如“生育登记信息表”。不填则用文件名。",
    )
    file = forms.FileField(
        label="文件",
        allow_empty_file=True,  # refused by blank_forms.checking, with the file's name
        help_text="PDF、Word（.docx）、Excel（.xlsx）或 PNG、JPG 图片。",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}),
    )

    def __init__(
        self, *args: object, kinds: list[MaterialKind], in_procedure: bool, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = [(kind.pk, kind.name) for kind in kinds]  # type: ignore[attr-defined]
        if not in_procedure:  # on a kind's catalogue page: every procedure that asks for it
            del self.fields["kind"], self.fields["scope"]
