"""Builders for employment support tests, through the domain functions."""

from tsunagu.cases import domain as case_domain
from tsunagu.cases.models import Channel, Consulter, Contact
from tsunagu.employment import actions


def register(actor, case, registered_on, **values):
    return actions.register(actor=actor, case=case, registered_on=registered_on, **values)


def contacts(case, dates, channel=Channel.VISIT_OFFICE):
    """Contacts of the case on each date, in bulk (the ledger's path), with the case's dates kept."""
    Contact.objects.bulk_create(
        [
            case_domain.build_contact(case, {"date": on, "channel": channel, "consulter": Consulter.PERSON})
            for on in dates
        ]
    )
    case_domain.refresh_contact_dates([case])
