"""The upload page → job → result flow, the progress polling, and the export download."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from tsunagu.audit.models import AuditEntry
from tsunagu.cases.models import Case
from tsunagu.ledger.models import ImportFile, ImportJob, JobPhase, JobStatus
from tsunagu.orgs.models import Role

from ..conftest import act_as
from ..factories import make_staff
from . import hostile
from .builders import case_row, contact_row, csv_files, ledger, xlsx_bytes, xlsx_cells
from .conftest import run_import


@pytest.fixture
def coordinator(client, org):
    membership = make_staff(org, Role.COORDINATOR, username="soudan")
    act_as(client, membership)
    return membership


@pytest.fixture
def inline_jobs(settings):
    settings.LEDGER_JOBS_INLINE = True


def xlsx_upload(sheets, name="台帳.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes(sheets), content_type="application/octet-stream")


def upload(client, django_capture_on_commit_callbacks, files):
    # The job starts when the upload's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("ledger_import"), {"files": files})


def test_upload_runs_the_job_and_shows_the_result(
    client, org, coordinator, inline_jobs, django_capture_on_commit_callbacks
):
    sheets = ledger([case_row(number="A"), case_row(number="B")], [contact_row(number="A")])
    response = upload(client, django_capture_on_commit_callbacks, [xlsx_upload(sheets)])
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ledger_job", kwargs={"pk": job.pk})
    assert (job.status, job.phase, job.total_rows, job.processed_rows, job.user, job.organisation) == (
        JobStatus.DONE,
        JobPhase.FINISHED,
        3,
        3,
        coordinator.user,
        org,
    )
    assert job.summary["counts"]["cases_created"] == 2
    assert not ImportFile.objects.exists()  # the uploaded personal data is not kept
    assert Case.objects.filter(organisation=org).count() == 2
    assert AuditEntry.objects.get(action="ledger.import").username == "soudan"
    assert AuditEntry.objects.get(action="ledger.upload").object_label == "台帳.xlsx"
    body = client.get(response["Location"]).content.decode()
    assert "3行を取り込みました。" in body
    assert "<dt>ケース（新規）</dt><dd>2</dd>" in body and "<dt>相談記録（追加）</dt><dd>1</dd>" in body
    assert "hx-trigger" not in body


def test_three_csv_files_in_one_upload(client, org, coordinator, inline_jobs, django_capture_on_commit_callbacks):
    files = [
        SimpleUploadedFile(name, data)
        for name, data in csv_files(ledger([case_row(number="A")], [contact_row(number="A")]), "cp932")
    ]
    upload(client, django_capture_on_commit_callbacks, files)
    assert ImportJob.objects.get().status == JobStatus.DONE
    assert ImportJob.objects.get().file_names == "ケース.csv、相談記録.csv、つなぎ.csv"


def test_a_refused_ledger_lists_every_error(client, org, coordinator, inline_jobs, django_capture_on_commit_callbacks):
    contacts = [contact_row(day="2021-05-01") for _ in range(30)]
    contacts[15][1] = "R3.2.30"
    response = upload(client, django_capture_on_commit_callbacks, [xlsx_upload(ledger([case_row()], contacts))])
    job = ImportJob.objects.get()
    assert (job.status, job.error_count) == (JobStatus.FAILED, 1)
    body = client.get(response["Location"]).content.decode()
    assert "1件の誤りがあるため、何も登録しませんでした。" in body
    assert (
        "<li>「相談記録」シート 17行目「日付」: 「R3.2.30」は日付として正しくありません（2月30日は存在しません）</li>"
        in body
    )
    assert Case.objects.count() == 0


def test_more_errors_than_are_kept_are_counted(client, org, coordinator):
    job = ImportJob.objects.create(
        organisation=org,
        user=coordinator.user,
        file_names="x.xlsx",
        status=JobStatus.FAILED,
        errors=["誤り"] * 200,
        error_count=230,
    )
    body = client.get(reverse("ledger_job", kwargs={"pk": job.pk})).content.decode()
    assert body.count("<li>誤り</li>") == 200
    assert "ほか30件の誤りがあります。" in body


def test_the_status_block_polls_every_second_until_the_job_ends(client, org, coordinator):
    job = ImportJob.objects.create(
        organisation=org,
        user=coordinator.user,
        file_names="x.xlsx",
        status=JobStatus.RUNNING,
        phase=JobPhase.CHECKING,
        total_rows=1000,
        processed_rows=500,
    )
    url = reverse("ledger_job", kwargs={"pk": job.pk})
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<section id="job-status"')
    assert f'hx-get="{url}" hx-trigger="every 1s" hx-swap="outerHTML"' in fragment
    assert '<progress id="job-progress" max="1000" value="500">50%</progress>' in fragment
    assert "500 / 1000行を確認しました" in fragment
    assert "<html" not in fragment
    ImportJob.objects.filter(pk=job.pk).update(phase=JobPhase.WRITING)
    assert '<progress id="job-progress">' in client.get(url, headers={"HX-Request": "true"}).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, phase=JobPhase.FINISHED, processed_rows=1000, summary={"counts": {"cases_created": 7}}
    )
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and "<dt>ケース（新規）</dt><dd>7</dd>" in fragment


@pytest.mark.parametrize(
    "names,message",
    [
        (["memo.txt"], "「memo.txt」は取り込めません。Excelファイル（.xlsx）1つか、CSVファイルを選んでください。"),
        (["ケース.csv"], "「相談記録.csv」がありません"),
    ],
)
def test_a_wrong_selection_is_refused_on_the_form(client, org, coordinator, names, message):
    response = client.post(reverse("ledger_import"), {"files": [SimpleUploadedFile(n, b"x") for n in names]})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_no_file_chosen(client, org, coordinator):
    response = client.post(reverse("ledger_import"), {})
    assert "台帳のファイルを選んでください。" in response.content.decode()


def test_the_import_page_lists_recent_jobs_in_a_fixed_number_of_queries(client, org, coordinator):
    def count():
        with CaptureQueriesContext(connection) as queries:
            body = client.get(reverse("ledger_import")).content.decode()
        return len(queries), body

    count()  # the first request of a session reads more (the session, the lock-out records)
    ImportJob.objects.create(organisation=org, user=coordinator.user, file_names="first.xlsx", status=JobStatus.DONE)
    one, _body = count()
    for name in ("second.xlsx", "third.xlsx"):
        ImportJob.objects.create(organisation=org, user=coordinator.user, file_names=name, status=JobStatus.DONE)
    three, body = count()
    assert one == three
    assert all(name in body for name in ("first.xlsx", "second.xlsx", "third.xlsx"))


def test_the_menu_offers_the_page_to_those_who_edit_cases(client, org, coordinator):
    assert 'href="/ledger/import/">台帳の取込・書出</a>' in client.get(reverse("home")).content.decode()
    act_as(client, make_staff(org, Role.VIEWER))
    assert "台帳の取込・書出" not in client.get(reverse("home")).content.decode()


def test_export_downloads_the_organisations_ledger(client, org, tree, coordinator):
    run_import(org, ledger([case_row(number="OWN-1")]))
    run_import(tree["fresh"], ledger([case_row(number="OTHER-1")]))
    response = client.get(reverse("ledger_export"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''%E5%8F%B0%E5%B8%B3_99CENTER_")
    assert "no-store" in response["Cache-Control"]
    assert [row[0] for row in xlsx_cells(response.content)["ケース"]] == ["ケース番号", "OWN-1"]
    entry = AuditEntry.objects.filter(action="ledger.export").latest("id")
    assert (entry.username, entry.organisation) == ("soudan", org)


def test_export_as_csv_comes_as_one_zip(client, org, coordinator):
    run_import(org, ledger([case_row(number="OWN-1")]))
    response = client.get(reverse("ledger_export") + "?format=csv")
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == ["ケース.csv", "相談記録.csv", "つなぎ.csv"]
        assert archive.read("ケース.csv").decode("utf-8-sig").splitlines()[1].startswith("OWN-1,")


def test_a_viewer_may_export_but_not_import(client, org):
    act_as(client, make_staff(org, Role.VIEWER))
    assert client.get(reverse("ledger_export")).status_code == 200
    assert client.get(reverse("ledger_import")).status_code == 403


def test_a_queued_job_says_it_is_waiting(client, org, coordinator):
    job = ImportJob.objects.create(organisation=org, user=coordinator.user, file_names="x.xlsx")
    fragment = client.get(reverse("ledger_job", kwargs={"pk": job.pk}), headers={"HX-Request": "true"}).content.decode()
    assert '<label for="job-progress">順番を待っています</label>' in fragment
    assert '<progress id="job-progress">処理中</progress>' in fragment and 'hx-trigger="every 1s"' in fragment


@pytest.mark.parametrize(
    "name,data,message",
    [
        pytest.param(
            "台帳.xlsx",
            hostile.ole_file(),
            "「台帳.xlsx」はパスワードで保護されたExcelファイルか、古い形式（.xls）のファイルです。",
            id="encrypted",
        ),
        pytest.param(
            "台帳.xlsx",
            hostile.truncated(xlsx_bytes(hostile.small_ledger())),
            "「台帳.xlsx」が壊れています（ファイルが途中で切れているか、中身が書き換わっています）。",
            id="truncated",
        ),
        pytest.param("台帳.xlsx", b"", "「台帳.xlsx」は空のファイルです（0バイト）。", id="empty"),
    ],
)
def test_a_workbook_that_cannot_be_one_is_refused_on_the_form(client, org, coordinator, name, data, message):
    response = client.post(reverse("ledger_import"), {"files": [SimpleUploadedFile(name, data)]})
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_csv_that_is_not_text_is_refused_on_the_form(client, org, coordinator):
    files = [
        SimpleUploadedFile("ケース.csv", xlsx_bytes(hostile.small_ledger())),
        SimpleUploadedFile("相談記録.csv", b""),
    ]
    body = client.post(reverse("ledger_import"), {"files": files}).content.decode()
    assert "「ケース.csv」はCSVではなく、Excelファイル（.xlsx）かZIPファイルです。" in body
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    "data,message",
    [
        pytest.param(
            hostile.shared_strings_bomb(),
            "「台帳.xlsx」の文字列の表は展開すると2,047MBになり、読み込める大きさ（128MB）を超えています。",
            id="bomb",
        ),
        pytest.param(
            hostile.billion_laughs(),
            "「台帳.xlsx」の文字列の表にDTD（文書型宣言）があります。",
            id="entities",
        ),
        pytest.param(
            hostile.formula_without_value(),
            '「ケース」シート 2行目「氏名」: 数式（=A2&"様"）の計算結果がファイルに保存されていません。',
            id="formula",
        ),
    ],
)
def test_a_hostile_workbook_fails_its_job_with_the_reason(
    client, org, coordinator, inline_jobs, django_capture_on_commit_callbacks, data, message
):
    response = upload(client, django_capture_on_commit_callbacks, [SimpleUploadedFile("台帳.xlsx", data)])
    job = ImportJob.objects.get()
    assert (job.status, job.error_count, job.errors[0].startswith(message)) == (JobStatus.FAILED, 1, True)
    body = client.get(response["Location"]).content.decode()
    assert escape(message) in body and "予期しない問題" not in body
    assert Case.objects.count() == 0


def test_a_job_waiting_for_another_import_says_so(client, org, coordinator):
    job = ImportJob.objects.create(
        organisation=org,
        user=coordinator.user,
        file_names="x.xlsx",
        status=JobStatus.RUNNING,
        phase=JobPhase.WAITING,
        total_rows=1000,
    )
    fragment = client.get(reverse("ledger_job", kwargs={"pk": job.pk}), headers={"HX-Request": "true"}).content.decode()
    assert '<label for="job-progress">この組織のほかの取込が終わるのを待っています</label>' in fragment
    assert '<progress id="job-progress">処理中</progress>' in fragment and 'hx-trigger="every 1s"' in fragment
