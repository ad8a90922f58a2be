"""Forms of the case-work pages. They only read and check input; the domain functions in actions.py
decide and save. Dates are typed the way people type them: 西暦 or 和暦, half- or full-width."""

import unicodedata

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.core.forms import FiscalYearField, JapaneseDateField, ModelChoiceField, ModelMultipleChoiceField
from tsunagu.core.versions import VersionField
from tsunagu.orgs.models import PartnerCategory

from .domain import (
    APPOINTMENT_LIMITS,
    CASE_LIMITS,
    CONSENT_LIMITS,
    CONTACT_LIMITS,
    MEMBER_LIMITS,
    REFERRAL_LIMITS,
    STATUS_LIMITS,
    too_long,
)
from .models import (
    AgeBand,
    Channel,
    Consulter,
    NumberingScheme,
    OutingLevel,
    ReferralStatus,
    ReferralTarget,
    Relation,
    Sex,
    Status,
)

IBASHO = "ibasho"


class LimitedCharField(forms.CharField):
    """Text within its field's limit (cases.domain), refused with the message the actions and the
    ledger import give, so a person reads the same words wherever the text came from."""

    # No maxlength attribute (as on the public form): a browser would cut pasted text silently.
    def __init__(self, *, limit: int, **kwargs):
        self.limit = limit
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        problem = too_long(value or "", self.limit)
        if problem:
            raise ValidationError(problem, code="max_length")


class StaffChoiceField(ModelChoiceField):
    def label_from_instance(self, user):
        return user.first_name or user.username


class StaffMultipleChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.first_name or user.username


class PartnerChoiceField(ModelChoiceField):
    """A partner of the directory, saying what kind it is and whether it takes new cases now."""

    def label_from_instance(self, org):
        kind = org.category.label if org.category_id else org.get_kind_display()
        label = f"{org.name}（{kind}）"
        if not org.accepting_cases:
            label += _(" ・新規受け入れ停止中")
        return label


def _today():
    return timezone.localdate()


class CaseFilterForm(forms.Form):
    """The case list's search and filters (GET)."""

    STATUS_CHOICES = [("", _("すべて")), ("open", _("終結以外"))] + Status.choices
    LAST_CONTACT_CHOICES = [
        ("", _("指定なし")),
        ("30", _("30日以内に相談あり")),
        ("90", _("最後の相談から90日以上")),
        ("180", _("最後の相談から180日以上")),
        ("none", _("相談記録なし")),
    ]
    SORT_CHOICES = [
        ("recent", _("最終相談日が新しい順")),
        ("stale", _("最終相談日が古い順")),
        ("number_desc", _("ケース番号の大きい順")),
        ("number", _("ケース番号順")),
    ]

    q = forms.CharField(
        label=_("ケース番号・氏名・ふりがな"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("状態"), choices=STATUS_CHOICES, required=False)
    staff = StaffChoiceField(
        label=_("担当者"), queryset=get_user_model().objects.none(), required=False, empty_label=_("すべて")
    )
    municipality = ModelChoiceField(label=_("市区町村"), queryset=None, required=False, empty_label=_("すべて"))
    age_band = forms.ChoiceField(label=_("年代（現在）"), choices=[("", _("すべて"))] + AgeBand.choices, required=False)
    last_contact = forms.ChoiceField(label=_("最終相談"), choices=LAST_CONTACT_CHOICES, required=False)
    fy = FiscalYearField(label=_("受付の年度"), required=False, empty_value=None)
    opened_from = JapaneseDateField(label=_("受付日（から）"), required=False)
    opened_to = JapaneseDateField(label=_("受付日（まで）"), required=False)
    sort = forms.ChoiceField(label=_("並び順"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, staff_queryset, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_queryset
        self.fields["municipality"].queryset = municipalities
        self.fields["fy"].choices = [("", _("すべて"))] + list(self.fields["fy"].choices)


class CaseForm(forms.Form):
    """A case's facts. Family-first cases are the norm: only the date and who consulted are required."""

    number = LimitedCharField(
        label=_("ケース番号"),
        limit=CASE_LIMITS["number"],
        required=False,
        help_text=_("空欄なら自動で付けます（例: 2026-0001）"),
    )
    opened_on = JapaneseDateField(label=_("受付日"))
    first_consulter = forms.ChoiceField(label=_("初回相談者"), choices=Consulter.choices, initial=Consulter.FAMILY)
    name = LimitedCharField(
        label=_("氏名"),
        limit=CASE_LIMITS["name"],
        required=False,
        help_text=_("家族が伝えていないときは空欄で構いません"),
    )
    furigana = LimitedCharField(label=_("ふりがな"), limit=CASE_LIMITS["furigana"], required=False)
    birth_date = JapaneseDateField(
        label=_("生年月日"),
        required=False,
        placeholder=_("例: 1982/5/3、S57.5.3"),
        help_text=_("わからないときは空欄にして年代を選びます"),
    )
    age_band = forms.ChoiceField(
        label=_("年代"),
        choices=AgeBand.choices,
        initial=AgeBand.UNKNOWN,
        help_text=_("生年月日がわからないときに使います"),
    )
    sex = forms.ChoiceField(label=_("性別"), choices=Sex.choices, initial=Sex.UNKNOWN)
    municipality = ModelChoiceField(label=_("市区町村"), queryset=None, required=False, empty_label=_("不明"))
    reached_on = JapaneseDateField(
        label=_("本人につながった日"),
        required=False,
        help_text=_("本人と初めて会えた・話せた日。家族だけの相談なら空欄"),
    )
    outing_level = forms.TypedChoiceField(
        label=_("外出状況"),
        choices=[("", _("不明"))] + OutingLevel.choices,
        coerce=int,
        empty_value=None,
        required=False,
    )
    duration_months = forms.IntegerField(label=_("ひきこもり期間（月）"), min_value=0, max_value=1200, required=False)
    household_8050 = forms.NullBooleanField(label=_("8050世帯"), required=False)
    needs_medical_care = forms.BooleanField(label=_("医療的ケアが必要"), required=False)
    suspected_disorder = forms.BooleanField(label=_("発達障害・精神疾患の疑い"), required=False)
    school_refusal_history = forms.BooleanField(label=_("不登校の経験"), required=False)
    notes = LimitedCharField(
        label=_("備考"), limit=CASE_LIMITS["notes"], required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    address = LimitedCharField(
        label=_("住所"),
        limit=CASE_LIMITS["address"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = LimitedCharField(
        label=_("電話"), limit=CASE_LIMITS["phone"], required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    version = VersionField()
    confirm_similar = forms.BooleanField(
        label=_("似たケースを確かめました。別の人として新しいケースを保存します"), required=False
    )

    SECTIONS = [
        (_("受付"), ["number", "opened_on", "first_consulter"]),
        (
            _("本人"),
            ["name", "furigana", "birth_date", "age_band", "sex", "municipality", "address", "phone", "reached_on"],
        ),
        (
            _("状況"),
            [
                "outing_level",
                "duration_months",
                "household_8050",
                "needs_medical_care",
                "suspected_disorder",
                "school_refusal_history",
                "notes",
            ],
        ),
    ]

    def __init__(self, *args, municipalities, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        if editing:
            self.fields["number"].required = True
            self.fields["number"].help_text = ""
            del self.fields["confirm_similar"]
        else:
            del self.fields["version"]
            self.fields["opened_on"].initial = _today

    def sections(self):
        """(heading, bound fields) in the order a counsellor fills them in."""
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def case_values(self) -> dict:
        """The cleaned values under the names of the Case fields (for open_case / update_case)."""
        return {name: value for name, value in self.cleaned_data.items() if name not in ("version", "confirm_similar")}


# Words a ledger or an earlier version stored, read as the 続柄 of the list.
OLD_RELATIONSHIPS = {"兄": "兄弟", "姉": "兄弟", "弟": "兄弟", "妹": "兄弟", "祖母": "祖父母", "祖父": "祖父母"}


def relation_of(word: str) -> str:
    """The 続柄 of the list for a stored word (兄 → 兄弟; an unknown word → その他)."""
    word = (word or "").strip()
    if word in Relation.values:
        return word
    return OLD_RELATIONSHIPS.get(word, Relation.OTHER)


class HouseholdMemberForm(forms.Form):
    relationship = forms.ChoiceField(label=_("続柄"), choices=[("", "—")] + Relation.choices)
    name = LimitedCharField(label=_("氏名"), limit=MEMBER_LIMITS["name"], required=False)
    age = forms.IntegerField(label=_("年齢"), min_value=0, max_value=120, required=False)
    phone = LimitedCharField(
        label=_("電話"), limit=MEMBER_LIMITS["phone"], required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    may_contact = forms.BooleanField(label=_("連絡してよい"), required=False)
    lives_with = forms.BooleanField(label=_("同居"), required=False, initial=True)
    notes = LimitedCharField(label=_("備考"), limit=MEMBER_LIMITS["notes"], required=False)

    def has_changed(self):
        # "同居" checked by default alone is not a row someone filled in.
        return bool(self.data) and any(
            name in self.changed_data for name in ("relationship", "name", "age", "phone", "may_contact", "notes")
        )


HouseholdFormSet = forms.formset_factory(
    HouseholdMemberForm, extra=3, can_delete=True, can_delete_extra=False, max_num=20, validate_max=True
)
# Offered as suggestions; the parent words are the ones rules.looks_like_8050 recognises.
RELATIONSHIP_WORDS = ["母", "父", "兄", "姉", "弟", "妹", "配偶者", "子", "祖母", "祖父", "義母", "義父"]


def household_values(formset) -> list[dict]:
    """The rows that were filled in and not marked for deletion."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        rows.append({name: data.get(name) for name in MEMBER_FORM_FIELDS} | {"age": data.get("age")})
    return rows


MEMBER_FORM_FIELDS = ("relationship", "name", "age", "phone", "may_contact", "lives_with", "notes")


def household_initial(case) -> list[dict]:
    rows = list(case.household.values(*MEMBER_FORM_FIELDS))
    for row in rows:
        row["relationship"] = relation_of(row["relationship"])
    return rows


class ContactForm(forms.Form):
    """A consultation, home visit or accompaniment. quick=True is the phone call's short form."""

    date = JapaneseDateField(label=_("日付"))
    time = forms.TimeField(
        label=_("時刻"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    channel = forms.ChoiceField(label=_("方法"), choices=Channel.choices, initial=Channel.PHONE)
    consulter = forms.ChoiceField(label=_("相談者"), choices=Consulter.choices)
    consulter_relation = forms.ChoiceField(
        label=_("相談者（続柄）"),
        choices=[("", _("（家族のときに選ぶ）"))] + Relation.choices,
        required=False,
        help_text=_("相談者が家族のとき、だれが相談したか"),
    )
    staff = StaffChoiceField(
        label=_("担当者"), queryset=get_user_model().objects.none(), required=False, empty_label=_("（記入者）")
    )
    minutes = forms.IntegerField(label=_("所要時間（分）"), min_value=0, max_value=24 * 60, required=False)
    notes = LimitedCharField(
        label=_("内容"), limit=CONTACT_LIMITS["notes"], required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    with_peer = forms.BooleanField(label=_("ピアサポーターが同行した"), required=False)
    with_specialist_team = forms.BooleanField(label=_("多職種チームを派遣した"), required=False)
    visit_members = LimitedCharField(
        label=_("訪問した人の名前"),
        limit=CONTACT_LIMITS["visit_members"],
        required=False,
        help_text=_("例: 佐藤（相談員）、鈴木（ピアサポーター）"),
    )
    appointment = ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    version = VersionField()

    VISIT_FIELDS = ("with_peer", "with_specialist_team", "visit_members")

    def __init__(self, *args, staff_queryset=None, quick=False, editing=False, appointments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = _today
        if staff_queryset is not None:
            self.fields["staff"].queryset = staff_queryset
        if appointments is None:
            del self.fields["appointment"]  # only a new contact closes an appointment
        else:
            self.fields["appointment"].queryset = appointments
            self.fields["appointment"].error_messages["invalid_choice"] = _(
                "この予定はすでに記録済みか取り消されています。"
            )
        if quick:
            for name in ("staff", "time", *self.VISIT_FIELDS):
                del self.fields[name]
        if not editing:
            del self.fields["version"]

    def contact_values(self) -> dict:
        values = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        if "staff" in values and values["staff"] is None:
            del values["staff"]  # log_contact then records the person entering it
        return values


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("新しい状態"))
    on = JapaneseDateField(label=_("変更日"))
    note = LimitedCharField(label=_("メモ"), limit=STATUS_LIMITS["note"], required=False)
    version = VersionField()

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(value, label) for value, label in Status.choices if value in allowed]
        self.fields["on"].initial = _today


class AssignForm(forms.Form):
    users = StaffMultipleChoiceField(
        label=_("担当者"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = VersionField()

    def __init__(self, *args, staff_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = staff_queryset


class ConsentForm(forms.Form):
    given_by = forms.ChoiceField(label=_("同意した人"), choices=ReferralTarget.choices)
    purpose = LimitedCharField(
        label=_("目的"),
        limit=CONSENT_LIMITS["purpose"],
        help_text=_("例: 就労支援のため地域若者サポートステーションにつなぐ"),
    )
    given_on = JapaneseDateField(label=_("同意日"))
    share_with = ModelMultipleChoiceField(
        label=_("共有してよい組織"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    share_with_categories = ModelMultipleChoiceField(
        label=_("共有してよい関係機関の区分"),
        queryset=PartnerCategory.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["share_with"].queryset = organisations
        self.fields["given_on"].initial = _today

    def share_with_groups(self) -> list[tuple[str, list]]:
        """The organisations' check boxes grouped by kind (市区町村, 関係機関, …), in the queryset's order
        (consent_organisations sorts by kind, then name)."""
        groups: dict[str, list] = {}
        for choice in self["share_with"]:
            organisation = choice.data["value"].instance
            groups.setdefault(organisation.get_kind_display(), []).append(choice)
        return list(groups.items())


class WithdrawConsentForm(forms.Form):
    on = JapaneseDateField(label=_("撤回日"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = _today


class PartnerRadioSelect(forms.RadioSelect):
    """The directory's partners as radio buttons that carry the partner's name, which the page's script
    writes into the name box when one is chosen (static/tsunagu/filter.js)."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-name"] = instance.name
        return option


class ReferralForm(forms.Form):
    """One way to name the partner: the name box searches the directory's list below it, grouped by kind;
    a partner chosen in the list is the partner, and a typed name that no partner of the list carries is
    recorded as an outside partner (a partner outside tsunagu or a 居場所). That a referral names one or
    the other is the domain's rule (domain.referral_errors)."""

    date = JapaneseDateField(label=_("日付"))
    target = forms.ChoiceField(label=_("対象"), choices=ReferralTarget.choices)
    partner_name = LimitedCharField(
        label=_("つなぎ先の名前"),
        limit=REFERRAL_LIMITS["partner_name"],
        required=False,
        help_text=_(
            "入力すると下の一覧が絞り込まれます。一覧にあれば選び、一覧にないつなぎ先や居場所は名前を入力したままにします。"
        ),
    )
    partner = PartnerChoiceField(
        label=_("つなぎ先"),  # the legend of the one field the page shows (with the name box)
        queryset=None,
        required=False,
        empty_label=_("一覧にない（入力した名前で記録する）"),
        widget=PartnerRadioSelect,
        blank=True,  # a radio list offers the empty choice only when told it may be chosen
    )
    destination = forms.ChoiceField(
        label=_("つなぎ先区分"), required=False, help_text=_("一覧から選んだつなぎ先は、その区分が使われます")
    )
    shares_personal_data = forms.BooleanField(label=_("個人情報（氏名・生年月日など）を共有する"), required=False)
    override_reason = LimitedCharField(
        label=_("同意なしで共有する理由（管理者のみ）"), limit=REFERRAL_LIMITS["override_reason"], required=False
    )
    notes = LimitedCharField(
        label=_("メモ"), limit=REFERRAL_LIMITS["notes"], required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, partners, may_override, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["date"].initial = _today
        self.fields["destination"].choices = [("", _("（つなぎ先の区分を使う）")), (IBASHO, _("居場所"))] + [
            (str(c.pk), c.label) for c in PartnerCategory.objects.all()
        ]
        if not may_override:
            del self.fields["override_reason"]

    def partner_groups(self) -> list[tuple[str, list]]:
        """The directory's radio buttons grouped by kind (the partner's 区分, else its kind of
        organisation), in the directory's order; the "not in the list" choice is left to the page."""
        groups: dict[str, list] = {}
        for choice in self["partner"]:
            value = choice.data["value"]
            if not value:
                continue
            org = value.instance
            kind = str(org.category) if org.category_id else str(org.get_kind_display())
            groups.setdefault(kind, []).append(choice)
        return list(groups.items())

    def outside_choice(self):
        return next(choice for choice in self["partner"] if not choice.data["value"])

    def clean(self):
        data = super().clean()
        partner, name = data.get("partner"), (data.get("partner_name") or "").strip()
        if partner is not None:
            # The box held a search, or the partner's own name: the partner chosen names the referral.
            data["partner_name"] = ""
        elif name:
            # A typed name that is a partner of the list is that partner, however it was written.
            wanted = _folded(name)
            found = [org for org in self.fields["partner"].queryset if _folded(org.name) == wanted]
            if len(found) == 1:
                data["partner"], data["partner_name"] = found[0], ""
        return data

    def referral_values(self) -> dict:
        data = dict(self.cleaned_data)
        destination = data.pop("destination", "")
        data["to_ibasho"] = destination == IBASHO
        data["category"] = (
            PartnerCategory.objects.get(pk=destination) if destination and destination != IBASHO else None
        )
        return data


def _folded(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("結果"))
    on = JapaneseDateField(label=_("日付"))
    version = VersionField()

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        if referral.partner_id:
            # A partner using tsunagu answers in its own queue; the referring side can only withdraw.
            allowed = {ReferralStatus.WITHDRAWN}
        else:
            allowed = set(ReferralStatus.values) - {referral.status}
        self.fields["status"].choices = [(v, label) for v, label in ReferralStatus.choices if v in allowed]
        self.fields["on"].initial = _today


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("お断りする理由"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AppointmentForm(forms.Form):
    """次回予定: when, how and where, and who goes."""

    date = JapaneseDateField(label=_("日付"))
    time = forms.TimeField(
        label=_("時刻"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    channel = forms.ChoiceField(label=_("方法"), choices=Channel.choices, initial=Channel.HOME_VISIT)
    place = LimitedCharField(
        label=_("場所"),
        limit=APPOINTMENT_LIMITS["place"],
        required=False,
        help_text=_("例: 自宅、センター相談室、○○病院"),
    )
    staff = StaffMultipleChoiceField(
        label=_("行く職員"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = LimitedCharField(label=_("メモ"), limit=APPOINTMENT_LIMITS["notes"], required=False)
    version = VersionField()

    def __init__(self, *args, staff_queryset, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_queryset
        if not editing:
            del self.fields["version"]

    def appointment_values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class CancelAppointmentForm(forms.Form):
    version = VersionField()


class WeekForm(forms.Form):
    """The week view's choices (GET): the week (any day in it) and whose appointments."""

    week = JapaneseDateField(label=_("週（その週の一日）"), required=False)
    staff = StaffChoiceField(
        label=_("職員"), queryset=get_user_model().objects.none(), required=False, empty_label=_("組織の全員")
    )

    def __init__(self, *args, staff_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_queryset


class CaseSettingsForm(forms.Form):
    numbering = forms.ChoiceField(
        label=_("ケース番号の付け方"), choices=NumberingScheme.choices, widget=forms.RadioSelect
    )
    version = VersionField()
