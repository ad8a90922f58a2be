"""Builders for test data. They go through the same domain functions the app uses."""

import itertools

from django.contrib.auth import get_user_model

from tsunagu.orgs import actions
from tsunagu.orgs.codes import check_digit
from tsunagu.orgs.models import PUBLIC_BODY_KINDS, Membership, Organisation, OrgKind, PartnerCategory
from tsunagu.orgs.rules import Actor

PASSWORD = "correct-horse-battery-9"
_serial = itertools.count(1)
SYSTEM = Actor.system("tests")


def public_code(prefix: str) -> str:
    """A valid 6-digit local government code from 5 digits."""
    return f"{prefix}{check_digit(prefix)}"


def make_org(
    kind: str,
    parent: Organisation | None = None,
    *,
    code: str | None = None,
    name: str | None = None,
    category: str | None = None,
) -> Organisation:
    n = next(_serial)
    if code is None:
        # The serial runs on across the whole session; codes only need to be unique within one test.
        code = public_code(f"8{n % 10000:04d}") if kind in PUBLIC_BODY_KINDS else f"T{n:04d}"
    return actions.create_organisation(
        actor=SYSTEM,
        code=code,
        name=name or f"{OrgKind(kind).label}{n}",
        kind=kind,
        parent=parent,
        category=PartnerCategory.objects.get(name=category) if category else None,
    )


def make_user(username: str | None = None, **extra):
    username = username or f"user{next(_serial)}"
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)


def make_staff(org: Organisation, role: str, *, user=None, username: str | None = None) -> Membership:
    user = user or make_user(username)
    return Membership.objects.create(user=user, organisation=org, role=role)


def totp_device(user, *, key: str = "3132333435363738393031323334353637383930"):
    """A confirmed TOTP device with a known key (RFC 6238's test key), so a test can compute its codes."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "test", "key": key})
    return device


def totp_code(device, *, at: float | None = None) -> str:
    """The code the device's authenticator app shows now (or at `at`, seconds since the epoch)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():0{device.digits}d}"


def pass_second_factor(session, user):
    """Mark a test client's session as having passed the second factor (the log-in fixtures call this,
    so tests of other pages are not stopped at the second step; the step itself has its own tests)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id


def restore_partner_categories():
    """Put back the national report's partner categories that a data migration loads: the live-server tests
    empty every table after each test, those rows included, and a later test expects a fresh database's."""
    import importlib

    from tsunagu.orgs.models import PartnerCategory

    seed = importlib.import_module("tsunagu.orgs.migrations.0002_partner_categories")
    codes = importlib.import_module("tsunagu.orgs.migrations.0009_partnercategory_code").CODES
    for order, name in enumerate(seed.CATEGORIES, start=1):
        PartnerCategory.objects.get_or_create(name=name, defaults={"order": order, "code": codes[name]})
