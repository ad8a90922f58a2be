"""The rate limit of the web consultation form, counted in the database so that several app servers
share it. Only a keyed hash of the sender's address is kept, and only for a day."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Submission, SubmissionAddress


@dataclass(frozen=True)
class Limit:
    count: int
    window: timedelta


LIMITS = (Limit(3, timedelta(minutes=10)), Limit(20, timedelta(days=1)))
KEEP = max(limit.window for limit in LIMITS)


def address_hash(address: str | None) -> str:
    """HMAC-SHA256 of the address keyed with SECRET_KEY: equal addresses match, none can be read back."""
    return salted_hmac("tsunagu.public.throttle", address or "unknown", algorithm="sha256").hexdigest()


def _lock(hashed: str) -> None:
    """Lock this address's row until the transaction ends (SQLite's IMMEDIATE transactions already
    serialise writers; on PostgreSQL this is a row lock)."""
    try:
        with transaction.atomic():
            SubmissionAddress.objects.get_or_create(address_hash=hashed)
    except IntegrityError:
        pass  # another server created it at the same moment
    SubmissionAddress.objects.select_for_update().get(address_hash=hashed)


def admit(hashed: str) -> bool:
    """Inside the caller's transaction: True and counted when this address is under every limit.
    A refused attempt is not counted, so nothing of it is kept."""
    now = timezone.now()
    _lock(hashed)
    for limit in LIMITS:
        if Submission.objects.filter(address_hash=hashed, at__gt=now - limit.window).count() >= limit.count:
            return False
    # Nothing older than the longest window is needed; the address rows go with their last submission.
    Submission.objects.filter(at__lte=now - KEEP).delete()
    SubmissionAddress.objects.exclude(address_hash=hashed).exclude(
        address_hash__in=Submission.objects.values("address_hash")
    ).delete()
    Submission.objects.create(address_hash=hashed, at=now)
    return True
