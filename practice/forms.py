from typing import Any

from django import forms

from practice.models import LETTERS, Question

OPTION_FIELDS = tuple(f"option_{letter.lower()}" for letter in LETTERS[:4])


class AnswerForm(forms.Form):
    """A clerk's answer: letters of the options the question offers, nothing else."""

    question = forms.IntegerField(widget=forms.HiddenInput)
    category = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, question: Question, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked = question
        choices = question.lettered_options()
        messages = {
            "required": "请先选择答案。",
            "invalid_choice": "请从题目给出的选项中选择。",
            "invalid_list": "请从题目给出的选项中选择。",
        }
        field: forms.ChoiceField
        if question.kind == Question.Kind.MULTIPLE:
            field = forms.MultipleChoiceField(choices=choices, error_messages=messages)
        else:
            field = forms.ChoiceField(choices=choices, error_messages=messages)
        self.fields["choice"] = field

    def chosen(self) -> str:
        value = self.cleaned_data["choice"]
        return "".join(sorted(value if isinstance(value, list) else [value]))


class QuestionForm(forms.ModelForm):
    """A trainer's own question: up to four options, the answer as letters."""

    option_a = forms.CharField(label="选项 A", max_length=300, required=False)
    option_b = forms.CharField(label="选项 B", max_length=300, required=False)
    option_c = forms.CharField(label="选项 C", max_length=300, required=False)
    option_d = forms.CharField(label="选项 D", max_length=300, required=False)

    field_order = ["kind", "stem", *OPTION_FIELDS, "answer", "explanation", "category"]

    class Meta:
        model = Question
        fields = ["kind", "stem", "answer", "explanation", "category"]
        widgets = {
            "stem": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "answer": "单选填一个字母，如 B；多选填全部正确的字母，如 ACD；"
            "判断题填 A（正确）或 B（错误）。"
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "请选择…"), *Question.Kind.choices]
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.empty_label = "不限条线"
        if self.instance.pk and self.instance.kind != Question.Kind.JUDGE:
            for name, text in zip(OPTION_FIELDS, self.instance.options, strict=False):
                self.fields[name].initial = text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == Question.Kind.JUDGE:
            options = ["正确", "错误"]
        else:
            options = [data.get(name, "").strip() for name in OPTION_FIELDS]
            while options and not options[-1]:
                options.pop()
            if "" in options:
                self.add_error(None, "选项要从 A 开始连续填写，中间不能空着。")
            elif len(options) < 2:
                self.add_error("option_b", "至少要有 A、B 两个选项。")
        answer = "".join(sorted(set(data.get("answer", "").upper().replace(" ", ""))))
        offered = LETTERS[: len(options)]
        if not answer or any(letter not in offered for letter in answer):
            letters = f"{offered[:1] or 'A'}–{offered[-1:] or 'D'}"
            self.add_error("answer", f"答案应是选项 {letters} 中的字母。")
        elif kind != Question.Kind.MULTIPLE and len(answer) != 1:
            self.add_error("answer", "单选题和判断题只能有一个答案。")
        data["answer"] = answer
        self.instance.options = options
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label="题库文件（.txt）")
