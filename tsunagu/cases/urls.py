from django.urls import path

from .views import appointments, cases, consent, contacts, printing, referrals

urlpatterns = [
    path("", cases.case_list, name="case_list"),
    path("new/", cases.case_add, name="case_add"),
    path("<int:pk>/", cases.case_detail, name="case_detail"),
    path("<int:pk>/edit/", cases.case_edit, name="case_edit"),
    path("<int:pk>/status/", cases.case_status, name="case_status"),
    path("<int:pk>/assign/", cases.case_assign, name="case_assign"),
    path("<int:pk>/print/<slug:form>/", printing.case_print, name="case_print"),
    path("<int:pk>/contacts/new/", contacts.contact_add, name="contact_add"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", contacts.contact_edit, name="contact_edit"),
    path("<int:pk>/contacts/<int:contact_pk>/delete/", contacts.contact_delete, name="contact_delete"),
    path("<int:pk>/consents/new/", consent.consent_add, name="consent_add"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", consent.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/referrals/new/", referrals.referral_add, name="referral_add"),
    path("<int:pk>/referrals/<int:referral_pk>/status/", referrals.referral_status, name="referral_status"),
    path("referrals/incoming/", referrals.referral_incoming, name="referral_incoming"),
    path("referrals/incoming/<int:pk>/accept/", referrals.referral_accept, name="referral_accept"),
    path("referrals/incoming/<int:pk>/decline/", referrals.referral_decline, name="referral_decline"),
    path("partners/", referrals.partner_directory, name="partner_directory"),
    path("find/", cases.case_find, name="case_find"),
    path("settings/", cases.case_settings, name="case_settings"),
    path("appointments/", appointments.appointment_week, name="appointment_week"),
    path("<int:pk>/appointments/new/", appointments.appointment_add, name="appointment_add"),
    path("<int:pk>/appointments/<int:appointment_pk>/edit/", appointments.appointment_edit, name="appointment_edit"),
    path(
        "<int:pk>/appointments/<int:appointment_pk>/cancel/",
        appointments.appointment_cancel,
        name="appointment_cancel",
    ),
]
