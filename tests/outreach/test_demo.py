"""The demo's outreach year: built from the network alone (fast), the same on a second run."""

from datetime import date

from django.utils import timezone

from tsunagu.demo.network import build_network
from tsunagu.demo.outreach import build_outreach
from tsunagu.orgs.rules import Actor
from tsunagu.outreach import queries
from tsunagu.outreach.models import Event, Material, SupporterActivity
from tsunagu.public.queries import public_events
from tsunagu.stats.report import Period, build_report

SYSTEM = Actor.system("demo-data")


def test_a_year_of_outreach_with_public_events_ahead(db):
    network = build_network(SYSTEM)
    build_outreach(network, SYSTEM)
    counts = (Event.objects.count(), Material.objects.count(), SupporterActivity.objects.count())
    build_outreach(network, SYSTEM)
    assert (Event.objects.count(), Material.objects.count(), SupporterActivity.objects.count()) == counts
    assert [event.name for event in public_events()] == [
        "ひきこもりを知る講演会",
        "はじめての家族教室",
        "休日ひきこもり相談会",
    ]
    today = timezone.localdate()
    fy = today.year if today.month >= 4 else today.year - 1
    last = build_report(network.prefecture, Period(date(fy - 1, 4, 1), date(fy, 3, 31)))
    assert last["events"]["by_kind"]["研修"] == {"held": 2, "participants": 186, "planned": 0, "cancelled": 0}
    assert last["events"]["by_kind"]["講演会・交流会"]["participants"] == 64
    assert last["events"]["by_kind"]["講師派遣"]["held"] == 2
    assert last["materials"]["by_kind"]["ポスター"]["made"] == 5000
    assert last["materials"]["by_kind"]["リーフレット"]["made"] == 30000
    assert last["materials"]["by_kind"]["SNS投稿"]["made"] == 12
    assert last["supporters"]["registered"] == 5  # S01–S05 (S06 rests, S07 in training)
    progress = queries.activity_progress(network.center)
    assert progress.this_year > progress.same_period_last_year > 0
