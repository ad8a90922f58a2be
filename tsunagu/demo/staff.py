"""The demo log-ins: one per role at the centre, a few elsewhere, and one person in two organisations."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from tsunagu.orgs import actions
from tsunagu.orgs.models import Membership, Organisation, Role
from tsunagu.orgs.rules import Actor

from .network import DemoNetwork

DEFAULT_PASSWORD = "tsunagu-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    organisation: Organisation
    role: str
    password_set: bool  # False when the account existed before with another password

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


def _staff_plan(network: DemoNetwork) -> list[tuple[str, str, Organisation, str]]:
    """(username, full name, organisation, role), in the order the log-in table shows them."""
    center, city = network.center, network.capital
    return [
        ("center-admin", "青木 晴美", center, Role.ADMIN),
        ("center-coordinator", "森下 健太", center, Role.COORDINATOR),
        ("center-peer", "川端 陽介", center, Role.PEER),
        ("center-viewer", "小野寺 葵", center, Role.VIEWER),
        ("center-stats", "三浦 千尋", center, Role.STATISTICIAN),
        ("city-admin", "西村 直樹", city, Role.ADMIN),
        ("city-coordinator", "藤田 美和", city, Role.COORDINATOR),
        ("pref-stats", "石原 大地", network.prefecture, Role.STATISTICIAN),
        # Two memberships, so the organisation switcher has something to switch between.
        ("two-orgs", "浜田 実", center, Role.COORDINATOR),
        ("two-orgs", "浜田 実", network.peer_support, Role.PEER),
    ]


def build_staff(network: DemoNetwork, actor: Actor, *, password: str = DEFAULT_PASSWORD) -> list[DemoLogin]:
    """Create the accounts and memberships that are missing; existing ones are left as they are."""
    User = get_user_model()
    logins, password_works = [], {}
    for username, full_name, organisation, role in _staff_plan(network):
        user = User.objects.filter(username=username).first()
        if username not in password_works:
            # Checked once per account that was there before this run: hashing is deliberately slow.
            password_works[username] = user is None or user.check_password(password)
        if user is None or not Membership.objects.filter(user=user, organisation=organisation).exists():
            actions.add_staff(
                actor=actor,
                organisation=organisation,
                username=username,
                role=role,
                full_name=full_name,
                password=password,
            )
        logins.append(DemoLogin(username, full_name, organisation, role, password_works[username]))
    return logins
