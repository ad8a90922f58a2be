"""Forms of the public pages and of the window editor. Error messages name the field in plain Japanese."""

import re
import unicodedata

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tsunagu.cases.models import AgeBand
from tsunagu.core.forms import ModelChoiceField
from tsunagu.orgs.regions import municipalities

from .models import ReplyMethod, Want, Way, Writer

MESSAGE_MAX = 4000

# The public side says "わからない" where the staff side says 不明.
AGE_CHOICES = [
    (value, _("わからない・答えたくない") if value == AgeBand.UNKNOWN else label) for value, label in AgeBand.choices
]
WHO_CHOICES = [
    (Writer.PERSON, _("自分のこと（本人）")),
    (Writer.FAMILY, _("家族のこと")),
    (Writer.OTHER, _("その他（知り合い・支援者など）")),
]


def _required(label) -> dict:
    # format_lazy, so the message is translated when shown, not once at import.
    return {"required": format_lazy(_("「{label}」を選んでください。"), label=label)}


class MunicipalityField(ModelChoiceField):
    def __init__(self, region, **kwargs):
        super().__init__(
            queryset=municipalities(region),
            to_field_name="code",
            required=False,
            empty_label=_("わからない・答えたくない"),
            label=_("お住まいの市区町村"),
            error_messages={"invalid_choice": _("「お住まいの市区町村」は一覧から選んでください。")},
            **kwargs,
        )


class FinderForm(forms.Form):
    """The resource finder's questions. Sent with GET: the answers live only in the URL."""

    who = forms.ChoiceField(
        label=_("どなたのことですか"),
        choices=WHO_CHOICES,
        widget=forms.RadioSelect,
        error_messages=_required(_("どなたのことですか")),
    )
    age = forms.ChoiceField(
        label=_("ご本人の年代"),
        choices=AGE_CHOICES,
        widget=forms.RadioSelect,
        error_messages=_required(_("ご本人の年代")),
    )
    want = forms.ChoiceField(
        label=_("どんなことを望んでいますか"),
        choices=Want.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("どんなことを望んでいますか")),
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"] = MunicipalityField(region)
        self.order_fields(["who", "age", "municipality", "want"])


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s\-‐ー−()（）]", "", unicodedata.normalize("NFKC", value or ""))


class ConsultationForm(forms.Form):
    writer = forms.ChoiceField(
        label=_("書いている人"),
        choices=Writer.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("書いている人")),
    )
    age_band = forms.ChoiceField(
        label=_("ご本人の年代"),
        choices=AGE_CHOICES,
        widget=forms.RadioSelect,
        error_messages=_required(_("ご本人の年代")),
    )
    name = forms.CharField(
        label=_("お名前"),
        max_length=100,
        required=False,
        help_text=_("書かなくてもかまいません。ニックネームでもかまいません。"),
    )
    reply_method = forms.ChoiceField(
        label=_("返事の方法"),
        choices=ReplyMethod.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("返事の方法")),
    )
    email = forms.EmailField(
        label=_("メールアドレス"),
        max_length=254,
        required=False,
        help_text=_("メールで返事がほしいときに書いてください。"),
        error_messages={"invalid": _("「メールアドレス」の形が正しくありません（例: name@example.jp）。")},
    )
    phone = forms.CharField(
        label=_("電話番号"),
        max_length=30,
        required=False,
        help_text=_("電話で返事がほしいときに書いてください（例: 090-1234-5678）。"),
    )
    # No maxlength attribute: a browser would cut pasted text silently; the server says it instead.
    message = forms.CharField(
        label=_("相談したいこと"),
        widget=forms.Textarea(attrs={"rows": 10}),
        validators=[MaxLengthValidator(MESSAGE_MAX)],
        help_text=format_lazy(_("{max}文字まで書けます。うまく書けなくても大丈夫です。"), max=MESSAGE_MAX),
        error_messages={
            "required": _("「相談したいこと」を書いてください。"),
            "max_length": _(
                "「相談したいこと」は%(limit_value)d文字までです（いまは%(show_value)d文字です）。"
                "短くしてから送ってください。"
            ),
        },
    )
    # The honeypot: hidden from people by the stylesheet, filled in by form-filling robots.
    website = forms.CharField(label=_("ホームページ（何も書かないでください）"), required=False)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"] = MunicipalityField(region)
        self.order_fields(
            ["writer", "age_band", "municipality", "name", "reply_method", "email", "phone", "message", "website"]
        )
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def honeypot_filled(self) -> bool:
        return bool((self.data.get("website") or "").strip())

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"])
        if phone and not re.fullmatch(r"\+?\d{10,13}", phone):
            raise forms.ValidationError(_("「電話番号」は数字10〜11桁で書いてください（例: 090-1234-5678）。"))
        return phone

    def clean(self):
        data = super().clean()
        method = data.get("reply_method")
        if method == ReplyMethod.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("メールで返事をするために「メールアドレス」を書いてください。"))
        if method == ReplyMethod.PHONE and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("電話で返事をするために「電話番号」を書いてください。"))
        return data


class WindowForm(forms.Form):
    name = forms.CharField(
        label=_("窓口の名称"),
        max_length=120,
        error_messages={"required": _("「窓口の名称」を入力してください。")},
        help_text=_("住民に見える名前です（例: ひきこもり相談窓口（健康福祉課））"),
    )
    reading = forms.CharField(
        label=_("よみがな"),
        max_length=200,
        required=False,
        help_text=_("市区町村名と窓口名のよみがな（例: あおみし ふくしか）。住民が「あおみし」と探しても見つかります"),
    )
    phone = forms.CharField(
        label=_("電話番号"), max_length=40, required=False, help_text=_("市外局番から（例: 0123-45-6789）")
    )
    email = forms.EmailField(
        label=_("メールアドレス"),
        required=False,
        error_messages={"invalid": _("「メールアドレス」の形が正しくありません（例: name@example.jp）。")},
    )
    hours = forms.CharField(
        label=_("受付時間"),
        max_length=200,
        required=False,
        help_text=_("例: 平日 8時30分〜17時15分（祝日・年末年始を除く）"),
    )
    address = forms.CharField(label=_("住所"), max_length=200, required=False)
    ways = forms.MultipleChoiceField(
        label=_("相談の方法"), choices=Way.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    topics = forms.MultipleChoiceField(
        label=_("得意な相談"),
        choices=Want.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("「質問に答えて探す」で、選んだ相談に合う窓口として出ます"),
    )
    note = forms.CharField(
        label=_("ひとこと"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("住民へのひとこと（1000文字まで）"),
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("対応不要とする理由"),
        max_length=300,
        help_text=_("例: 広告・いたずら、同じ人からの重複、テスト送信"),
        error_messages={"required": _("「対応不要とする理由」を書いてください。")},
    )


class ReplyForm(forms.Form):
    subject = forms.CharField(
        label=_("件名"), max_length=200, error_messages={"required": _("「件名」を書いてください。")}
    )
    body = forms.CharField(
        label=_("本文"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("「本文」を書いてください。")},
    )
