"""Rollups: the statistics' counts kept per organisation subtree, so a report sums a few hundred rows
instead of counting a nation's contacts.

Every table but the national ones is keyed by `ancestor_id`: a row counts the records of that one
organisation (the column's name is from when a row counted a whole subtree). A report for an
organisation sums the rows of every organisation below it, read through the closure (`subtree`); so two
organisations' writers never meet on a rollup row (rollups.py says why that matters). The additive
tables are also kept summed over the nation (`Nation…`, no organisation column), fed through
append-only delta tables (`…Delta`) that a fold empties into them; the nation's report reads both.
Database triggers (rollups.py) keep the tables exact on every insert, update and delete of contacts,
referrals, cases and 居場所 attendance, whichever code path writes them (forms, the ledger import, bulk
loaders, cascades); `tsunagu rollups --check` compares them with a fresh count.

None of these rows carries personal data: case ids appear only in the presence tables (per fiscal year and
per month), which count distinct cases, and are never shown.
"""

from django.db import models
from django.db.models import Q


class OrgAncestor(models.Model):
    """The closure of the organisation tree: one row per (organisation, itself or an ancestor), derived
    from Organisation.path by trigger."""

    org_id = models.IntegerField()
    ancestor_id = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org_id", "ancestor_id"], name="stats_organcestor_key")]


def subtree(org_id: int) -> Q:
    """The rollup rows of the organisation and everything below it (one subquery on the closure)."""
    return Q(ancestor_id__in=OrgAncestor.objects.filter(ancestor_id=org_id).values("org_id"))


class ContactKeys(models.Model):
    """The keys and count of a row of contacts per month and breakdown (方法 × 相談者 × 本人の年代 × ピア同行)."""

    month = models.DateField()  # the first day of the month
    channel = models.CharField(max_length=12)
    consulter = models.CharField(max_length=10)
    age_band = models.CharField(max_length=10)
    with_peer = models.BooleanField()
    n = models.IntegerField()

    class Meta:
        abstract = True


class ReferralKeys(models.Model):
    """The keys and count of a row of referrals per month, partner category (0: 居場所), target and whether
    decided (支援決定)."""

    month = models.DateField()
    category_id = models.IntegerField()
    target = models.CharField(max_length=10)
    decided = models.BooleanField()
    n = models.IntegerField()

    class Meta:
        abstract = True


class ContactMonth(ContactKeys):
    """Contacts per month and breakdown of one organisation."""

    ancestor_id = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ancestor_id", "month", "channel", "consulter", "age_band", "with_peer"],
                name="stats_contactmonth_key",
            )
        ]


class NationContactMonth(ContactKeys):
    """ContactMonth summed over every organisation, as of the last fold (rollups.py): the nation's report
    adds the unfolded ContactMonthDelta rows to these."""

    class Meta:
        db_table = "stats_contactmonth_nation"
        constraints = [
            models.UniqueConstraint(
                fields=["month", "channel", "consulter", "age_band", "with_peer"], name="stats_contactmonth_nation_key"
            )
        ]


class ContactMonthDelta(ContactKeys):
    """The signed changes to NationContactMonth not folded yet: the triggers only insert here (no unique
    key, so no two writers meet on a row), the fold moves them into NationContactMonth."""

    class Meta:
        db_table = "stats_contactmonth_delta"


class NewCaseMonth(models.Model):
    """Cases by the month of their first contact ever (新規)."""

    ancestor_id = models.IntegerField()
    month = models.DateField()
    n = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ancestor_id", "month"], name="stats_newcasemonth_key")]


class NationNewCaseMonth(models.Model):
    """NewCaseMonth summed over every organisation, as of the last fold."""

    month = models.DateField(unique=True)
    n = models.IntegerField()

    class Meta:
        db_table = "stats_newcasemonth_nation"


class NewCaseMonthDelta(models.Model):
    """The signed changes to NationNewCaseMonth not folded yet."""

    month = models.DateField()
    n = models.IntegerField()

    class Meta:
        db_table = "stats_newcasemonth_delta"


class ReferralMonth(ReferralKeys):
    """Referrals per month, partner category, target and whether decided, of one organisation."""

    ancestor_id = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ancestor_id", "month", "category_id", "target", "decided"], name="stats_referralmonth_key"
            )
        ]


class NationReferralMonth(ReferralKeys):
    """ReferralMonth summed over every organisation, as of the last fold."""

    class Meta:
        db_table = "stats_referralmonth_nation"
        constraints = [
            models.UniqueConstraint(
                fields=["month", "category_id", "target", "decided"], name="stats_referralmonth_nation_key"
            )
        ]


class ReferralMonthDelta(ReferralKeys):
    """The signed changes to NationReferralMonth not folded yet."""

    class Meta:
        db_table = "stats_referralmonth_delta"


class CaseYear(models.Model):
    """The cases with at least one contact in a fiscal year (n: how many): 実人数 is a count of rows."""

    ancestor_id = models.IntegerField()
    fy = models.SmallIntegerField()
    case_id = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ancestor_id", "fy", "case_id"], name="stats_caseyear_key")]


class ConnectedYear(models.Model):
    """The cases connected in a fiscal year per target (本人/家族): n counts its decided referrals and its
    first 居場所 attendance; the connected figure is a count of rows."""

    ancestor_id = models.IntegerField()
    fy = models.SmallIntegerField()
    target = models.CharField(max_length=10)
    case_id = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ancestor_id", "fy", "target", "case_id"], name="stats_connectedyear_key")
        ]


class CaseMonth(models.Model):
    """The cases with at least one contact in a month (n: how many contacts): 実人数 over any span of whole
    months is the number of distinct case_id in its rows, fewer than the span's contacts."""

    ancestor_id = models.IntegerField()
    month = models.DateField()
    case_id = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ancestor_id", "month", "case_id"], name="stats_casemonth_key")]


class ConnectedMonth(models.Model):
    """ConnectedYear by month: the connected figure over any span of whole months is the number of
    distinct (target, case_id) in its rows."""

    ancestor_id = models.IntegerField()
    month = models.DateField()
    target = models.CharField(max_length=10)
    case_id = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ancestor_id", "month", "target", "case_id"], name="stats_connectedmonth_key"
            )
        ]


class SuppressionPattern(models.Model):
    """The hidden cells of a region's publications (patterns.py), computed once per set of published
    values, relations and k: the digest is a SHA-256 of exactly those, so a changed record gives another
    digest and a pattern can never be served for figures it was not computed for. Holds no personal
    data: keys of cells and how long the computation took."""

    digest = models.CharField(max_length=64, unique=True)
    root_code = models.CharField(max_length=20)
    start = models.DateField()
    end = models.DateField()
    k = models.PositiveIntegerField()
    hidden = models.JSONField()  # {org code: [cell key, ...]}
    cells = models.PositiveIntegerField()  # how many cells the region's publications hold in all
    seconds = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)
