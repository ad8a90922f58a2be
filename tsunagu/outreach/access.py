"""Access to events, materials and supporters: each belongs to the organisation that did the work; its
staff read them, those who do case work (相談員, 管理者) write them. Another organisation's row is
not found (404), whatever its id."""

import unicodedata

from django.db.models import QuerySet

from tsunagu.cases.access import visible_cases
from tsunagu.cases.models import Case
from tsunagu.orgs.access import deny, require
from tsunagu.orgs.rules import Actor, Perm

from .models import Event, Material, Supporter, SupporterActivity

WRITE_PERM = Perm.EDIT_CASES
READ_PERM = Perm.VIEW_ORG


def _own(model, actor: Actor) -> QuerySet:
    org = actor.organisation
    return model.objects.filter(organisation=org) if org is not None else model.objects.none()


def own_events(actor: Actor) -> QuerySet[Event]:
    return _own(Event, actor)


def own_materials(actor: Actor) -> QuerySet[Material]:
    return _own(Material, actor)


def own_supporters(actor: Actor) -> QuerySet[Supporter]:
    return _own(Supporter, actor)


def own_activities(actor: Actor) -> QuerySet[SupporterActivity]:
    return _own(SupporterActivity, actor)


def _get(queryset, actor: Actor, object_type: str, pk, *, write: bool):
    require(actor, WRITE_PERM if write else READ_PERM)
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise deny(actor, object_type, pk)
    return found


def get_event(actor: Actor, pk, *, write: bool = False) -> Event:
    return _get(own_events(actor), actor, "outreach_event", pk, write=write)


def get_material(actor: Actor, pk, *, write: bool = False) -> Material:
    return _get(own_materials(actor), actor, "outreach_material", pk, write=write)


def get_supporter(actor: Actor, pk, *, write: bool = False) -> Supporter:
    return _get(own_supporters(actor), actor, "supporter", pk, write=write)


def get_activity(actor: Actor, pk, *, write: bool = False) -> SupporterActivity:
    return _get(own_activities(actor).select_related("supporter", "case"), actor, "supporter_activity", pk, write=write)


def case_by_number(actor: Actor, number: str) -> Case | None:
    """The acting organisation's case with this number as the case access rules let the actor see it
    (a ピアサポーター only their assigned cases, a 統計担当 none); None otherwise."""
    number = unicodedata.normalize("NFKC", number or "").strip()
    return visible_cases(actor).filter(number=number).first() if number else None


def visible_case_ids(actor: Actor, case_ids) -> set[int]:
    """Which of these cases the actor may see: the others are shown without their number."""
    ids = {pk for pk in case_ids if pk is not None}
    return set(visible_cases(actor).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
