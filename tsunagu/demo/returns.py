"""The demo prefecture's returns for its last complete half year (令和8年度上半期 with the demo's END): most
municipalities' returns approved by the prefecture (so their months are locked), one submitted and waiting
for the prefecture, one sent back with a reason, one 対象外 (and the partner agencies registered under a
municipality 対象外, marked by it) — all through the returns actions, the one write
path. The prefecture's own return stays 作成中: it waits for the rest of the bodies below it, which the
returns page shows.

Idempotent: when a municipality already has a return for that half year, nothing is added."""

from datetime import date

from django.utils import timezone

from tsunagu.core import wareki
from tsunagu.orgs.rules import Actor
from tsunagu.returns import actions
from tsunagu.returns.models import Return

from .cases import END
from .network import CAPITAL, DemoNetwork, municipality_code

WAITING = "202"  # 汐見市: submitted, waiting for the prefecture
SENT_BACK = CAPITAL  # 青海市: its staff log in to the demo and see why, and can resubmit
EXEMPT = "402"  # 雪見村: no consultation desk of its own that half year
REASON = "9月の訪問件数が月報（訪問 12件）と合いません。台帳の訪問日を確認して再提出してください。"


def last_complete_half(on: date) -> tuple[date, date]:
    """The last half of a fiscal year that ended on or before `on`."""
    fy = wareki.fiscal_year(on)
    for year, half in ((fy, 2), (fy, 1), (fy - 1, 2)):
        start, end = wareki.half_year_range(year, half)
        if end <= on:
            return start, end
    raise AssertionError("unreachable: the second half of the year before always ended")


def build_returns(network: DemoNetwork, actor: Actor, *, on: date | None = None) -> int:
    """Add the demo returns. Returns how many returns were added."""
    start, end = last_complete_half(min(END, on or timezone.localdate()))
    municipalities = network.municipalities
    if Return.objects.filter(organisation__in=municipalities.values(), starts_on=start, ends_on=end).exists():
        return 0
    special = {municipality_code(n) for n in (WAITING, SENT_BACK, EXEMPT)}
    # The partner agencies registered under a municipality make no return of their own: their referrals
    # are in the municipality's figures. The municipality marks them 対象外, so the prefecture can approve.
    partners = [org for org in network.partners.values() if org.parent_id != network.prefecture.pk]
    for partner in partners:
        actions.mark_exempt(actor=actor, organisation=partner, starts_on=start, ends_on=end)
    submitted = {
        code: actions.submit(actor=actor, organisation=org, starts_on=start, ends_on=end)
        for code, org in municipalities.items()
        if code != municipality_code(EXEMPT)
    }
    actions.approve(actor=actor, returns=[(ret, None) for code, ret in submitted.items() if code not in special])
    actions.send_back(actor=actor, ret=submitted[municipality_code(SENT_BACK)], reason=REASON)
    actions.mark_exempt(
        actor=actor, organisation=municipalities[municipality_code(EXEMPT)], starts_on=start, ends_on=end
    )
    return len(municipalities) + len(partners)
