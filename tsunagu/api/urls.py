from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import endpoints as e
from . import views

# The token pages (staff pages, under the account).
page_urls = [
    path("", views.token_list, name="api_tokens"),
    path("<int:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
    path("organisation/", views.organisation_token_list, name="api_organisation_tokens"),
    path("organisation/<int:pk>/revoke/", views.organisation_token_revoke, name="api_organisation_token_revoke"),
]

api_urls = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("v1/organisations/", e.OrganisationList.as_view(), name="api_organisations"),
    path("v1/organisations/<str:code>/", e.OrganisationDetail.as_view(), name="api_organisation"),
    path("v1/cases/", e.CaseList.as_view(), name="api_cases"),
    path("v1/cases/<int:pk>/", e.CaseDetail.as_view(), name="api_case"),
    path("v1/cases/<int:pk>/contacts/", e.ContactList.as_view(), name="api_case_contacts"),
    path("v1/cases/<int:pk>/referrals/", e.ReferralList.as_view(), name="api_case_referrals"),
    path("v1/referrals/incoming/", e.IncomingList.as_view(), name="api_incoming"),
    path("v1/referrals/incoming/<int:pk>/accept/", e.IncomingAccept.as_view(), name="api_incoming_accept"),
    path("v1/referrals/incoming/<int:pk>/decline/", e.IncomingDecline.as_view(), name="api_incoming_decline"),
    path("v1/ibasho/events/<int:pk>/attendance/", e.Attendance.as_view(), name="api_attendance"),
    path("v1/ledger/imports/", e.LedgerImports.as_view(), name="api_ledger_imports"),
    path("v1/ledger/imports/<int:pk>/", e.LedgerImportStatus.as_view(), name="api_ledger_import"),
    path("v1/statistics/report/", e.Report.as_view(), name="api_report"),
    path("v1/returns/<int:pk>/signed/", e.ReturnSigned.as_view(), name="api_return_signed"),
    path("v1/returns/received/", e.ReturnsReceived.as_view(), name="api_returns_received"),
]
