from django.urls import include, path
from django.views.i18n import set_language

from tsunagu.api import urls as api_urls
from tsunagu.core import views as core_views
from tsunagu.orgs import views as org_views
from tsunagu.stats import published as stats_published

urlpatterns = [
    path("", include("tsunagu.accounts.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("dates/understood/", core_views.date_understood, name="date_understood"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("orgs/", org_views.org_list, name="org_list"),
    path("orgs/<str:code>/", org_views.org_detail, name="org_detail"),
    path("orgs/<str:code>/edit/", org_views.org_edit, name="org_edit"),
    path("orgs/<str:code>/two-factor/", org_views.org_two_factor, name="org_two_factor"),
    path("orgs/<str:code>/small-cells/", org_views.org_small_cells, name="org_small_cells"),
    path("orgs/<str:code>/add/", org_views.org_add_child, name="org_add_child"),
    path("staff/", org_views.staff_list, name="staff_list"),
    path("staff/add/", org_views.staff_add, name="staff_add"),
    path("staff/<int:pk>/", org_views.staff_edit, name="staff_edit"),
    path("staff/invitations/<int:pk>/withdraw/", org_views.invitation_withdraw, name="invitation_withdraw"),
    path("invitations/", org_views.invitations, name="invitations"),
    path("staff/<int:pk>/reset-2fa/", org_views.staff_reset_two_factor, name="staff_reset_two_factor"),
    path("audit/", org_views.audit_search, name="audit_search"),
    path("cases/", include("tsunagu.cases.urls")),
    path("ledger/", include("tsunagu.ledger.urls")),
    path("public/", include("tsunagu.public.urls")),
    # The 組織 search of the statistics-reading pages (stats, KPI): the chooser lives with the organisations.
    path("stats/organisations/", org_views.org_search, name="org_search"),
    path("stats/published/", stats_published.published_figures, name="stats_published"),
    path("stats/", include("tsunagu.stats.urls")),
    path("kpi/", include("tsunagu.kpi.urls")),
    path("ibasho/", include("tsunagu.ibasho.urls")),
    path("outreach/", include("tsunagu.outreach.urls")),
    path("work/", include("tsunagu.work.urls")),
    path("returns/", include("tsunagu.returns.urls")),
    path("employment/", include("tsunagu.employment.urls")),
    path("meetings/", include("tsunagu.meetings.urls")),
    path("accounts/tokens/", include(api_urls.page_urls)),
    path("api/", include(api_urls.api_urls)),
]
