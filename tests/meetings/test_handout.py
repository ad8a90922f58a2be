"""The anonymised handout of a case conference: the masking (record values in every written form, the
patterns, places as 「A町」, dates as 年月), measured on a synthetic set of 60 summaries; the page where a
person confirms the spans, and the PDF, audited; access.

The measurement (tests/meetings/handout_corpus.py), printed by
    env -u DATABASE_URL TSUNAGU_TEST_DATABASE=sqlite PYTHONPATH=. python -m pytest -s tests/meetings/test_handout.py -k measure
60 summaries, 860 identifying values embedded, 861 spans masked, 1 false positive (a staff surname that is
also the surname of a person in the same conference), 0 survivors."""

from datetime import date

from .handout_corpus import measure


def test_measure_no_identifying_value_survives_in_60_summaries():
    figures = measure(60)
    print(
        f"\nhandout masking: {figures['summaries']} summaries, {figures['embedded']} identifying values embedded, "
        f"{figures['spans']} spans masked, {figures['false_positives']} false positives, "
        f"{len(figures['survivors'])} survivors"
    )
    assert figures["summaries"] == 60
    assert figures["survivors"] == []


# --- the masking, by hand ---------------------------------------------------------------------------


def test_record_values_in_every_form_places_and_dates():
    from tsunagu.meetings.handout import Identity, mask_all

    identity = Identity(
        label="事例1",
        number="R6-0012",
        names=["佐藤 翔太", "さとう しょうた"],
        family=[("母", "佐藤 花子")],
        addresses=["青海県山吹町本町2-5-11"],
        phones=["0881-23-4567"],
        birth_date=date(1990, 5, 14),
    )
    text = (
        "佐藤翔太（ｻﾄｳ ｼｮｳﾀ）H2.5.14生。山吹町本町２－５－１１在住、ＴＥＬ０８８１（２３）４５６７。"
        "母の花子さんと梢町の叔母宅へ。令和6年4月5日来所、4月12日に翔太くんと面談。〒781-1234、"
        "高知市桜井町1丁目2番3号。担当山本。山吹町の保健師。"
    )
    (result,) = mask_all([(identity, text)], ["山吹町", "梢町", "高知市"])
    assert result.render() == (
        "〔本人〕（〔本人〕）〔生年月日〕生。〔住所〕在住、ＴＥＬ〔電話番号〕。"
        "母の〔母〕さんとA町の叔母宅へ。令和6年4月来所、4月に〔本人〕くんと面談。〔郵便番号〕、"
        "〔住所〕。担当山本。B町の保健師。"
    )


# --- the page and the PDF ---------------------------------------------------------------------------


def _conference_with_a_case(network):
    import pytest  # noqa: F401

    from tsunagu.cases import actions as case_actions
    from tsunagu.meetings import actions
    from tsunagu.meetings.models import MeetingKind
    from tsunagu.orgs.models import Role

    from ..cases.factories import actor_for, make_case
    from ..factories import make_staff
    from .factories import make_meeting

    member = make_staff(network["own_center"], Role.COORDINATOR)
    worker = actor_for(member)
    case = make_case(
        worker,
        number="C-77",
        name="佐藤 翔太",
        furigana="さとう しょうた",
        birth_date=date(1990, 5, 14),
        address="青海県山吹町本町2-5-11",
        phone="0881-23-4567",
        municipality=network["own_city"],
        household=[{"relationship": "母", "name": "佐藤 花子", "age": 62, "phone": "090-1111-2222"}],
    )
    case_actions.log_contact(
        actor=worker,
        case=case,
        date=date(2024, 6, 3),
        channel="phone",
        consulter="family",
        notes="母の花子さんから電話。翔太くんは夜にコンビニへ。自宅0881-23-4567に折り返し。",
    )
    conference = make_meeting(worker, date=date(2024, 6, 20), kind=MeetingKind.CASE_CONFERENCE, name="検討会")
    actions.link_case(actor=worker, meeting=conference, case=case)
    return member, conference, case


IDENTIFYING = ["佐藤", "翔太", "さとう", "しょうた", "花子", "山吹", "本町", "4567", "1111", "C-77", "5月14日"]


def test_the_handout_page_marks_the_spans_and_prints_a_masked_pdf_audited(client, network, tmp_path):
    import subprocess

    from django.urls import reverse

    from tsunagu.audit.models import AuditEntry

    from ..conftest import act_as

    member, conference, case = _conference_with_a_case(network)
    act_as(client, member)
    url = reverse("meeting_handout", args=[conference.pk])
    page = client.get(url).content.decode()
    assert "<mark" in page and "〔本人〕" in page
    assert AuditEntry.objects.filter(action="meeting.handout_view").count() == 1
    # The person rewrites the summary and adds a phrase to mask.
    summary = f"{case.name}さんは「ひだまり」に通う。"
    response = client.post(url, {f"summary-{case.pk}": summary, "phrases": "ひだまり", "print": "1"})
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "handout.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "〔本人〕さんは「〔伏せ字〕」に通う。" in text.replace("\n", "")
    entry = AuditEntry.objects.get(action="meeting.handout")
    assert entry.changes == {"cases": ["C-77"], "masked": 2, "unmasked": 0, "added": 1}


def test_the_printed_summary_from_the_records_holds_no_identifying_value(client, network, tmp_path):
    import subprocess

    from django.urls import reverse

    from tsunagu.audit.models import AuditEntry

    from ..conftest import act_as

    member, conference, case = _conference_with_a_case(network)
    act_as(client, member)
    url = reverse("meeting_handout", args=[conference.pk])
    response = client.post(url, {"print": "1"})
    pdf = tmp_path / "handout.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace("\n", "")
    assert "事例1" in flat and "〔母〕" in flat and "令和6年6月" in flat and "居住地：A" in flat
    assert [value for value in [*IDENTIFYING, network["own_city"].name] if value in flat] == []
    # Unticking a span (a false positive) prints it as written; the audit says how many were unmasked.
    town = network["own_city"].name
    summary = f"母の佐藤 花子さんと{town}の保健師。"
    keep = f"10:{10 + len(town)}"  # the town: 母の佐藤 花子さんと is 10 letters
    response = client.post(url, {f"summary-{case.pk}": summary, f"unmask-{case.pk}": keep, "print": "1"})
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert f"母の〔母〕さんと{town}の保健師。" in text.replace("\n", "")
    entry = AuditEntry.objects.filter(action="meeting.handout").latest("pk")
    assert entry.changes == {"cases": ["C-77"], "masked": 1, "unmasked": 1, "added": 0}


def test_a_peer_supporter_and_another_organisation_get_no_handout(client, network):
    from django.urls import reverse

    from tsunagu.orgs.models import Role

    from ..conftest import act_as
    from ..factories import make_staff

    _member, conference, _case = _conference_with_a_case(network)
    url = reverse("meeting_handout", args=[conference.pk])
    act_as(client, make_staff(network["own_center"], Role.PEER))
    assert client.get(url).status_code == 403
    act_as(client, make_staff(network["other_center"], Role.COORDINATOR))
    assert client.get(url).status_code == 404
