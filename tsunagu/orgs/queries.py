"""Reads that feed the organisation and staff pages. Each does a fixed number of queries."""

import unicodedata

from django.db.models import Count, Q

from .models import Invitation, Membership, Organisation, OrgKind


def active_memberships(user):
    """The memberships a user may act for: active, in an active organisation."""
    return Membership.objects.filter(user=user, is_active=True, organisation__is_active=True).select_related(
        "organisation"
    )


def subtree(org: Organisation, *, query: str = "", kind: str = ""):
    """The organisation and everything below it, optionally narrowed by name/code and kind."""
    orgs = Organisation.objects.filter(path__startswith=org.path).select_related("parent", "category")
    query = unicodedata.normalize("NFKC", query).strip()
    if query:
        orgs = orgs.filter(Q(name__icontains=query) | Q(code__icontains=query))
    if kind in OrgKind.values:
        orgs = orgs.filter(kind=kind)
    return orgs.order_by("path")


def holds_every_organisation(org: Organisation) -> bool:
    """Whether the organisation's subtree is every organisation (the root of the only tree: the nation,
    000000). Its records then need no subtree filter at all, which at the nation's scale costs more than
    the counting itself (a subquery of every organisation's id)."""
    return org.parent_id is None and not Organisation.objects.filter(parent__isnull=True).exclude(pk=org.pk).exists()


def kind_counts(org: Organisation) -> list[tuple[str, int]]:
    """How many organisations of each kind sit below this one, in the order of OrgKind."""
    counts = dict(
        Organisation.objects.filter(path__startswith=org.path)
        .exclude(pk=org.pk)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return [(label, counts[value]) for value, label in OrgKind.choices if counts.get(value)]


def children(org: Organisation):
    return org.children.select_related("category").order_by("kind", "code")


def invitations(org: Organisation):
    """The organisation's open invitations, by the name typed (whether it has an account is not said)."""
    return Invitation.objects.filter(organisation=org).order_by("username")


def staff(org: Organisation):
    return Membership.objects.filter(organisation=org).select_related("user").order_by("-is_active", "user__username")
