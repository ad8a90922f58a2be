"""The demo's public side: windows everywhere, a few public 居場所 with coming and held dates; re-runs add nothing."""

from collections import Counter

from django.utils import timezone

from tsunagu.audit.models import AuditEntry
from tsunagu.demo.network import build_network
from tsunagu.demo.public import build_public
from tsunagu.demo.staff import build_staff
from tsunagu.ibasho.models import Attendance, Ibasho, IbashoEvent
from tsunagu.orgs.models import Membership, Organisation, OrgKind
from tsunagu.orgs.rules import Actor
from tsunagu.public.models import Window
from tsunagu.public.queries import overview


def demo_data():
    """The steps of `tsunagu demo-data` this module builds on, without the (slow) demo cases."""
    actor = Actor.system("demo-data")
    network = build_network(actor)
    build_staff(network, actor)
    build_public(network, actor)


def state():
    return (
        list(Window.objects.order_by("id").values_list("organisation__code", "name", "phone", "ways", "topics")),
        list(Ibasho.objects.order_by("id").values_list("name", "kind", "is_public")),
        list(IbashoEvent.objects.order_by("id").values_list("ibasho__name", "date", "start_time", "online")),
        list(Attendance.objects.order_by("id").values_list("event__ibasho__name", "date", "nickname", "anonymous")),
        Counter(AuditEntry.objects.values_list("action", flat=True)),
    )


def test_every_municipality_and_the_centre_has_a_window(db):
    demo_data()
    kinds = Counter(Window.objects.values_list("organisation__kind", flat=True))
    assert kinds == {OrgKind.MUNICIPALITY: 30, OrgKind.CENTER: 1, OrgKind.SATELLITE: 1, OrgKind.CONTRACTOR: 2}
    [summary] = overview()
    assert (summary.region.code, summary.total, summary.named) == ("990001", 30, 30)
    capital = Window.objects.get(organisation__code="992011")
    assert (capital.name, capital.phone, capital.ways) == (
        "ひきこもり相談窓口（福祉課）",
        "099-000-0101",
        ["phone", "email", "office", "home_visit"],
    )
    assert Window.objects.get(organisation__code="99CENTER").topics == ["talk", "place", "work", "family"]


def test_public_places_have_eight_weeks_of_weekly_dates_from_today(db):
    demo_data()
    today = timezone.localdate()
    assert list(Ibasho.objects.order_by("id").values_list("name", "is_public")) == [
        ("まったりサロン", True),
        ("オンライン居場所 よるのへや", True),
        ("家族のつどい", True),
        ("西浜ゆるカフェ（準備中）", False),
    ]
    salon = list(
        IbashoEvent.objects.filter(ibasho__name="まったりサロン", date__gte=today).values_list("date", flat=True)
    )
    assert len(salon) == 8 and all(day.weekday() == 2 for day in salon)
    assert salon[-1] - salon[0] == timezone.timedelta(weeks=7)
    assert IbashoEvent.objects.filter(date__gte=today).count() == 24


def test_places_also_have_the_eight_weeks_before_today_with_who_came(db):
    demo_data()
    today = timezone.localdate()
    held = list(
        IbashoEvent.objects.filter(ibasho__name="まったりサロン", date__lt=today).values_list("date", flat=True)
    )
    assert len(held) == 8 and all(day.weekday() == 2 for day in held)
    assert (held[-1] - held[0], today - held[-1] <= timezone.timedelta(days=7)) == (timezone.timedelta(weeks=7), True)
    assert IbashoEvent.objects.count() == 48
    # Without the demo cases, only people known by a nickname or anonymous come.
    came = Attendance.objects.all()
    assert came.exists() and not came.filter(case__isnull=False).exists()
    assert not came.filter(date__gte=today).exists()


def test_case_workers_get_an_example_address_for_the_console_mail(db):
    demo_data()
    addresses = dict(
        Membership.objects.filter(organisation__code="992011").values_list("user__username", "user__email")
    )
    assert addresses == {"city-admin": "city-admin@example.jp", "city-coordinator": "city-coordinator@example.jp"}


def test_running_twice_adds_nothing(db):
    demo_data()
    first = state()
    demo_data()
    assert state() == first
    assert first[4]["window.create"] == 34 and first[4]["ibasho.create"] == 4
    assert Organisation.objects.count() == 57
