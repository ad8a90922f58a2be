"""The REST API. Every endpoint reaches records through the same access functions and changes them
through the same actions as the pages, so it answers 404 outside the acting organisation, writes the
same audit entries, and refuses what the pages refuse with the same messages (400 per field; a stale
version 409 with the current values). The token's membership is the actor."""

import json

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from tsunagu.cases import actions as case_actions
from tsunagu.cases import queries as case_queries
from tsunagu.cases.access import get_case, get_incoming_referral, require_case_work
from tsunagu.cases.forms import CaseFilterForm, CaseForm, ContactForm, DeclineForm, HouseholdMemberForm, ReferralForm
from tsunagu.cases.models import Case, Contact, Referral
from tsunagu.core import wareki
from tsunagu.ibasho import actions as ibasho_actions
from tsunagu.ibasho.access import ATTENDANCE_READ_PERM, WRITE_PERM, get_event
from tsunagu.ibasho.forms import AttendanceForm
from tsunagu.ledger import jobs
from tsunagu.ledger.access import get_job
from tsunagu.ledger.forms import LedgerUploadForm
from tsunagu.orgs import queries as org_queries
from tsunagu.orgs.access import deny, get_organisation, require
from tsunagu.orgs.models import Organisation, Role
from tsunagu.orgs.rules import Perm
from tsunagu.returns import signing
from tsunagu.returns.access import get_return
from tsunagu.returns.forms import ReceivedFileForm
from tsunagu.stats.report import Period, other_organisation_problem
from tsunagu.stats.smallcells import shown_report

from .authentication import BearerTokenAuthentication, TokenScope
from .models import Scope
from .render import fields, plain

OBJECT = OpenApiTypes.OBJECT


class ApiView(APIView):
    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [TokenScope]
    parser_classes = [JSONParser]
    area: str | None = None

    @property
    def actor(self):
        return self.request._request.actor

    def body(self) -> dict:
        data = self.request.data
        if not isinstance(data, dict):
            raise ValidationError(_("JSONのオブジェクトを送ってください。"))
        return data


def form_data(data: dict) -> dict:
    """A JSON body as the form data of the page's form. No field of those forms takes an object or a
    list (the household is read apart): such a value is refused on its field."""
    out, errors = {}, {}
    for key, value in data.items():
        if key == "household":
            continue
        if isinstance(value, (dict, list)):
            errors[key] = _("この項目には文字・数値・真偽値のどれかを送ってください。")
        elif value is None:
            out[key] = ""
        else:
            out[key] = value
    if errors:
        raise ValidationError(errors)
    return out


def with_defaults(form_class, data: dict, **form_kwargs) -> dict:
    """The body over what the page's form starts with (年代 不明, 性別 不明…): a field left out of a
    new record is what a person who did not touch it would send."""
    form = form_class(**form_kwargs)
    initial = {
        name: field.initial
        for name, field in form.fields.items()
        if field.initial is not None and not callable(field.initial) and not isinstance(field.initial, bool)
    }
    return {**initial, **form_data(data)}


def valid(form) -> dict:
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return form.cleaned_data


# --- organisations -----------------------------------------------------------------------------------------

ORG_FIELDS = ["code", "name", "kind"]


def org_json(org: Organisation) -> dict:
    return {
        **fields(org, ORG_FIELDS),
        "parent": org.parent.code if org.parent_id else None,
        "category": org.category.name if org.category_id else None,
    }


class OrganisationList(ApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="名称・コードの一部"),
            OpenApiParameter("kind", str),
            OpenApiParameter("page", int),
        ],
        responses=OBJECT,
        operation_id="organisations_list",
        summary="The acting organisation and those below it (as the 組織 page lists them)",
    )
    def get(self, request):
        require(self.actor, Perm.VIEW_ORG)
        query, kind = request.query_params.get("q", ""), request.query_params.get("kind", "")
        if "\x00" in query or len(query) > 100:
            raise ValidationError({"q": _("検索語は100文字以内の文字で入力してください。")})
        orgs = org_queries.subtree(self.actor.organisation, query=query, kind=kind)
        page = Paginator(orgs, 100).get_page(request.query_params.get("page"))
        return Response(
            {"count": page.paginator.count, "page": page.number, "results": [org_json(org) for org in page]}
        )


class OrganisationDetail(ApiView):
    @extend_schema(responses=OBJECT)
    def get(self, request, code):
        return Response(org_json(organisation_by_code(self.actor, code)))


def organisation_by_code(actor, code: str, perm: str = Perm.VIEW_ORG) -> Organisation:
    """get_organisation, for a code as typed into an address (a NUL no database column can hold is
    no organisation's code either)."""
    if "\x00" in code or len(code) > 40:
        raise deny(actor, "organisation", code.replace("\x00", "")[:40])
    return get_organisation(actor, code, perm=perm)


# --- cases -------------------------------------------------------------------------------------------------

CASE_JSON = ["id", "number", "status", "version", "closed_on", *[f for f in case_actions.CASE_FIELDS if f != "number"]]
MEMBER_JSON = ["relationship", "name", "age", "phone", "may_contact", "lives_with", "notes"]


def case_json(case: Case) -> dict:
    return {
        **fields(case, CASE_JSON),
        "organisation": case.organisation.code,
        "assigned": sorted(case.assigned.values_list("username", flat=True)),
        "household": [fields(m, MEMBER_JSON) for m in case.household.all()],
    }


def case_summary(row) -> dict:
    case = row.case
    return {**fields(case, ["id", "number", "status", "opened_on", "name", "furigana"]), "age_band": row.band}


def household_of(data: dict):
    """The `household` list of a body (None: not given), each row checked by the page's row form."""
    if "household" not in data:
        return None
    rows = data["household"]
    if not isinstance(rows, list) or len(rows) > 20 or not all(isinstance(r, dict) for r in rows):
        raise ValidationError(
            {"household": _("世帯の構成は、続柄などを持つオブジェクトの一覧（20人まで）で送ってください。")}
        )
    members = []
    for row in rows:
        member = HouseholdMemberForm(form_data(row))
        if not member.is_valid():
            raise ValidationError(
                {"household": [f"{name}: {m}" for name, errors in member.errors.items() for m in errors]}
            )
        members.append({name: member.cleaned_data.get(name) for name in MEMBER_JSON})
    return members


CASE_FILTERS = [
    OpenApiParameter("q", str, description="ケース番号・氏名・ふりがな"),
    OpenApiParameter("status", str),
    OpenApiParameter("staff", int, description="担当者のid"),
    OpenApiParameter("municipality", int, description="市区町村のid"),
    OpenApiParameter("age_band", str),
    OpenApiParameter("last_contact", str),
    OpenApiParameter("fy", int),
    OpenApiParameter("opened_from", str),
    OpenApiParameter("opened_to", str),
    OpenApiParameter("sort", str),
    OpenApiParameter("page", int),
]


class CaseList(ApiView):
    area = Scope.CASES

    @extend_schema(
        parameters=CASE_FILTERS, responses=OBJECT, operation_id="cases_list", summary="List or search cases (case.list)"
    )
    def get(self, request):
        actor = self.actor
        require_case_work(actor, write=False)
        org = actor.organisation
        form = CaseFilterForm(
            request.query_params,
            staff_queryset=case_queries.case_staff(org),
            municipalities=case_queries.municipalities(org),
        )
        filters = valid(form)
        page, rows = case_queries.case_list_page(actor, filters, timezone.localdate(), request.query_params.get("page"))
        return Response(
            {
                "count": page.paginator.count,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "results": [case_summary(row) for row in rows],
            }
        )

    @extend_schema(
        request=OBJECT,
        responses={201: OBJECT, 400: OBJECT},
        summary="Open a case (case.open): the fields of the 新しいケース page, dates as there (R3.4.5 …)",
    )
    def post(self, request):
        actor = self.actor
        require_case_work(actor, write=True)
        data = self.body()
        municipalities = case_queries.municipalities(actor.organisation)
        form = CaseForm(with_defaults(CaseForm, data, municipalities=municipalities), municipalities=municipalities)
        values = form.case_values() if form.is_valid() else None
        household = household_of(data)
        if values is None:
            valid(form)
        similar = case_queries.similar_cases(
            actor.organisation, furigana=values["furigana"], birth_date=values["birth_date"], today=timezone.localdate()
        )
        if similar and not form.cleaned_data.get("confirm_similar"):
            raise ValidationError(
                {
                    "confirm_similar": _(
                        "ふりがなと生年月日が同じケースがあります。別の人として保存するときは confirm_similar を true にしてください。"
                    )
                }
            )
        case = case_actions.open_case(actor=actor, household=household or (), **values)
        return Response(case_json(case), status=status.HTTP_201_CREATED)


class CaseDetail(ApiView):
    area = Scope.CASES
    parser_classes = [JSONParser]

    @extend_schema(responses=OBJECT, summary="Read a case (case.view)")
    def get(self, request, pk):
        return Response(case_json(get_case(self.actor, pk)))

    @extend_schema(
        request=OBJECT,
        responses={200: OBJECT, 400: OBJECT, 409: OBJECT},
        summary="Update a case: the fields given change; `version` is required (409 when stale)",
    )
    def patch(self, request, pk):
        actor = self.actor
        case = get_case(actor, pk, write=True, log_read=False)
        data = self.body()
        current = {name: plain(getattr(case, name)) for name in case_actions.CASE_FIELDS}
        current = {k: ("" if v is None else v) for k, v in current.items()}
        form = CaseForm(
            {**current, **form_data(data)},
            municipalities=case_queries.municipalities(actor.organisation),
            editing=True,
        )
        household = household_of(data)
        cleaned = valid(form)
        case_actions.update_case(
            actor=actor, case=case, version=cleaned["version"], household=household, **form.case_values()
        )
        return Response(case_json(Case.objects.get(pk=case.pk)))


CONTACT_JSON = ["id", "version", *case_actions.CONTACT_FIELDS]


def contact_json(contact: Contact) -> dict:
    return fields(contact, CONTACT_JSON)


class ContactList(ApiView):
    area = Scope.CASES

    @extend_schema(responses=OBJECT, summary="The contacts of a case (case.view)")
    def get(self, request, pk):
        case = get_case(self.actor, pk)
        return Response({"results": [contact_json(c) for c in case.contacts.order_by("date", "id")]})

    @extend_schema(request=OBJECT, responses={201: OBJECT, 400: OBJECT}, summary="Record a contact (contact.create)")
    def post(self, request, pk):
        actor = self.actor
        case = get_case(actor, pk, write=True, log_read=False)
        staff = case_queries.case_staff(actor.organisation)
        form = ContactForm(with_defaults(ContactForm, self.body(), staff_queryset=staff), staff_queryset=staff)
        valid(form)
        contact = case_actions.log_contact(actor=actor, case=case, **form.contact_values())
        return Response(contact_json(contact), status=status.HTTP_201_CREATED)


REFERRAL_JSON = [
    "id",
    "version",
    "date",
    "target",
    "to_ibasho",
    "partner_name",
    "status",
    "result_on",
    "shares_personal_data",
    "notes",
]


def referral_json(referral: Referral) -> dict:
    return {
        **fields(referral, REFERRAL_JSON),
        "partner": referral.partner.code if referral.partner_id else None,
        "category": referral.category.name if referral.category_id else None,
    }


class ReferralList(ApiView):
    area = Scope.CASES

    @extend_schema(responses=OBJECT, summary="The referrals (つなぎ) of a case (case.view)")
    def get(self, request, pk):
        case = get_case(self.actor, pk)
        referrals = case.referrals.select_related("partner", "category").order_by("date", "id")
        return Response({"results": [referral_json(r) for r in referrals]})

    @extend_schema(request=OBJECT, responses={201: OBJECT, 400: OBJECT}, summary="Refer (referral.create)")
    def post(self, request, pk):
        actor = self.actor
        case = get_case(actor, pk, write=True, log_read=False)
        form = ReferralForm(
            form_data(self.body()),
            partners=case_queries.partner_directory(actor.organisation),
            may_override=actor.role == Role.ADMIN,
        )
        valid(form)
        referral = case_actions.refer(actor=actor, case=case, **form.referral_values())
        return Response(referral_json(referral), status=status.HTTP_201_CREATED)


def incoming_json(row) -> dict:
    referral = row.referral
    return {
        "id": referral.pk,
        "date": referral.date.isoformat(),
        "status": referral.status,
        "from": referral.organisation.code,
        "shared": {key: plain(value) for key, value in row.shared.items()},
    }


class IncomingList(ApiView):
    area = Scope.CASES

    @extend_schema(
        parameters=[OpenApiParameter("done", bool), OpenApiParameter("page", int)],
        responses=OBJECT,
        summary="The partner queue: referrals sent to the acting organisation (referral.incoming_list)",
    )
    def get(self, request):
        actor = self.actor
        require(actor, Perm.VIEW_CASES)
        done = request.query_params.get("done") in ("1", "true")
        page, rows = case_queries.incoming_page(actor, done=done, number=request.query_params.get("page"))
        return Response(
            {"count": page.paginator.count, "page": page.number, "results": [incoming_json(r) for r in rows]}
        )


class IncomingAccept(ApiView):
    area = Scope.CASES

    @extend_schema(request=None, responses={201: OBJECT, 400: OBJECT}, summary="Accept: opens the partner's case")
    def post(self, request, pk):
        actor = self.actor
        referral = get_incoming_referral(actor, pk, write=True)
        case = case_actions.accept_referral(actor=actor, referral=referral, on=timezone.localdate())
        return Response(case_json(case), status=status.HTTP_201_CREATED)


class IncomingDecline(ApiView):
    area = Scope.CASES

    @extend_schema(
        request=inline_serializer("Decline", {"reason": serializers.CharField(required=False)}),
        responses={200: OBJECT, 400: OBJECT},
    )
    def post(self, request, pk):
        actor = self.actor
        referral = get_incoming_referral(actor, pk, write=True)
        form = DeclineForm(form_data(self.body()))
        reason = valid(form)["reason"]
        referral = case_actions.decline_referral(actor=actor, referral=referral, on=timezone.localdate(), reason=reason)
        return Response({"id": referral.pk, "status": referral.status})


# --- 居場所 ----------------------------------------------------------------------------------------------


def attendance_json(attendance) -> dict:
    return {
        **fields(attendance, ["id", "date", "target", "nickname", "anonymous", "is_first"]),
        "case": attendance.case.number if attendance.case_id else None,
    }


class Attendance(ApiView):
    area = Scope.CASES

    @extend_schema(responses=OBJECT, summary="Who attended an event of the organisation's 居場所")
    def get(self, request, pk):
        actor = self.actor
        event = get_event(actor, pk)
        require(actor, ATTENDANCE_READ_PERM)
        rows = event.attendances.select_related("case").order_by("id")
        return Response({"event": pk, "date": event.date.isoformat(), "results": [attendance_json(a) for a in rows]})

    @extend_schema(
        request=OBJECT, responses={201: OBJECT, 400: OBJECT}, summary="Record an attendee (ibasho.attendance_add)"
    )
    def post(self, request, pk):
        actor = self.actor
        event = get_event(actor, pk, write=True)
        require(actor, WRITE_PERM)
        form = AttendanceForm(with_defaults(AttendanceForm, self.body(), actor=actor), actor=actor)
        attendance = ibasho_actions.record_attendance(actor=actor, event=event, **valid(form))
        return Response(attendance_json(attendance), status=status.HTTP_201_CREATED)


# --- the ledger import as a job ----------------------------------------------------------------------------


def job_json(job) -> dict:
    return {
        **fields(job, ["id", "status", "phase", "created_at", "finished_at"]),
        "summary": job.summary or {},
        "error_count": job.error_count,
        "errors": job.errors or [],
    }


class LedgerImports(ApiView):
    area = Scope.CASES
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "LedgerUpload", {"files": serializers.ListField(child=serializers.FileField())}
            )
        },
        responses={202: OBJECT, 400: OBJECT},
        summary="Upload a ledger: answers the job's id; its status is at /api/v1/ledger/imports/{id}/",
    )
    def post(self, request):
        actor = self.actor
        require(actor, Perm.EDIT_CASES)
        form = LedgerUploadForm({}, request.FILES)
        files = valid(form)["files"]
        job = jobs.submit_import(actor=actor, files=files)
        return Response({"id": job.pk, "status": job.status}, status=status.HTTP_202_ACCEPTED)


class LedgerImportStatus(ApiView):
    area = Scope.CASES

    @extend_schema(responses=OBJECT)
    def get(self, request, pk):
        return Response(job_json(get_job(self.actor, pk)))


# --- the report contract -----------------------------------------------------------------------------------


class Report(ApiView):
    """The report contract. A report that counts another organisation's records (another organisation's,
    or one's own with bodies below it) is for a month or more, and a case-based cell that describes
    fewer than k persons is a string giving its range instead of its number ("1〜9", "20〜29"; the
    rate of such a count is null); such a report has "ranged": k (issue 13, stats/smallcells.py). The
    staff of a leaf organisation get their own figures exact."""

    area = Scope.STATISTICS

    @extend_schema(
        parameters=[
            OpenApiParameter("org", str, description="組織コード（省略時は自組織）"),
            OpenApiParameter("fy", int, description="年度（西暦）"),
            OpenApiParameter("half", int, enum=[1, 2]),
            OpenApiParameter("from", str, description="開始日（2021-04-01、R3.4.1 など）"),
            OpenApiParameter("to", str, description="終了日"),
        ],
        responses={200: OBJECT, 400: OBJECT},
        summary="The report contract: the same JSON as `tsunagu report`; small cells of other organisations' "
        "figures as ranges",
    )
    def get(self, request):
        actor = self.actor
        require(actor, Perm.VIEW_STATS)
        params = request.query_params
        code = params.get("org") or actor.organisation.code
        org = organisation_by_code(actor, code, perm=Perm.VIEW_STATS)
        period = report_period(params)
        if problem := other_organisation_problem(actor.organisation, org, period):
            raise ValidationError({"to": problem})
        return Response(shown_report(actor.organisation, org, period))


def report_period(params) -> Period:
    fy, half, start, end = params.get("fy"), params.get("half"), params.get("from"), params.get("to")
    errors = {}
    if fy:
        if start or end:
            raise ValidationError({"fy": _("fy と from/to は一緒に使えません。")})
        try:
            year = int(fy)
            if not 1989 <= year <= 2200:
                raise ValueError
        except ValueError:
            raise ValidationError({"fy": _("年度は西暦の数字で指定してください（例: 2021）。")}) from None
        if half not in (None, "", "1", "2"):
            raise ValidationError({"half": _("half は 1 か 2 です。")})
        return Period(*(wareki.half_year_range(year, int(half)) if half else wareki.fiscal_year_range(year)))
    if half:
        errors["half"] = _("half は fy と一緒に使います。")
    if not (start and end):
        errors["from"] = _("fy か、from と to の両方を指定してください。")
    if errors:
        raise ValidationError(errors)
    dates = {}
    for name, text in (("from", start), ("to", end)):
        try:
            dates[name] = wareki.parse_date(text[:40])
        except (wareki.DateParseError, ValueError) as error:
            errors[name] = str(error)
    if errors:
        raise ValidationError(errors)
    try:
        return Period(dates["from"], dates["to"])
    except ValueError as error:
        raise ValidationError({"to": str(error)}) from None


# --- returns between installations ---------------------------------------------------------------------------


class ReturnSigned(ApiView):
    """The organisation's own approved return as the signed file the receiving installation takes."""

    area = Scope.STATISTICS

    @extend_schema(responses={200: OBJECT, 400: OBJECT}, summary="An approved return as a signed file (JSON)")
    def get(self, request, pk):
        actor = self.actor
        require(actor, Perm.APPROVE_RETURNS)
        ret = get_return(actor, pk)
        return Response(json.loads(signing.sign_return(actor=actor, ret=ret)))


class ReturnsReceived(ApiView):
    """A signed return file of a registered sender, verified and kept like an upload on the page."""

    area = Scope.STATISTICS
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": inline_serializer("SignedReturn", {"file": serializers.FileField()})},
        responses={201: OBJECT, 400: OBJECT},
        summary="Receive a signed return file from another installation",
    )
    def post(self, request):
        actor = self.actor
        require(actor, Perm.APPROVE_RETURNS)
        data = valid(ReceivedFileForm({}, request.FILES))["file"]
        received = signing.receive(actor=actor, data=data)
        return Response(
            {
                "sender": received.sender.code,
                "sender_name": received.sender.name,
                "from": received.starts_on.isoformat(),
                "to": received.ends_on.isoformat(),
                "sha256": received.sha256,
                "received_at": received.received_at.isoformat(),
            },
            status=status.HTTP_201_CREATED,
        )
