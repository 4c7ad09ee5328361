"""The referral form editors fill in the admin: keywords typed as words, kept as a list."""

import re

from django import forms

from search.models import Referral


class ReferralForm(forms.ModelForm):
    keywords = forms.CharField(
        label="关键词",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="居民的说法，用空格、逗号或顿号分开；搜索词含其中一个即显示本条。"
        "如：公积金 提取公积金 取公积金。",
    )
    url = forms.URLField(label="网址", required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Referral
        fields = ["title", "keywords", "where", "address", "phone", "hours", "note", "url"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if self.instance.pk:
            self.initial["keywords"] = " ".join(self.instance.keywords)

    def clean_keywords(self) -> list[str]:
        words = [w for w in re.split(r"[\s,，、;；/|]+", self.cleaned_data["keywords"]) if w]
        too_short = [w for w in words if len(w) < 2]
        if too_short:
            raise forms.ValidationError(
                f"关键词至少两个字：“{'、'.join(too_short)}”太短，会把无关的搜索也转走。"
            )
        return list(dict.fromkeys(words))


class TeachForm(forms.Form):
    """教搜索: which item the caller meant, and the words of theirs that should find it."""

    procedure = forms.SlugField(
        label="居民要办的事项", error_messages={"required": "请选择居民要办的事项。"}
    )
    words = forms.CharField(
        label="居民的说法",
        max_length=200,
        error_messages={"required": "请填写居民的说法。"},
        help_text="只留下居民会反复说的词，去掉情节；几个说法用空格分开，如：打井 抽地下水。",
    )

    def clean_words(self) -> list[str]:
        return [w for w in re.split(r"[\s,，、;；/|=]+", self.cleaned_data["words"]) if w]
