"""Log-in, log-out, failed log-in and lock-out entries.

Authentication happens inside Django and django-axes, so their signals are the one place to hear of it;
this module only records, it decides nothing.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from tsunagu.core.http import client_ip

from .log import typed_name
from .models import ActorKind, AuditEntry


def _record(request, action, *, user=None, username="", allowed=True):
    AuditEntry.objects.create(
        user=user,
        # A name typed at a failed log-in is no account's: recorded so it cannot pass for system work.
        username=(user.get_username() if user is not None else typed_name(username))[:150],
        actor_kind=ActorKind.PERSON if user is not None else ActorKind.ANONYMOUS,
        action=action,
        ip=client_ip(request) if request is not None else None,
        allowed=allowed,
    )


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    _record(request, "auth.login", user=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        _record(request, "auth.logout", user=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # accounts.twofactor sends this signal for a wrong second factor too (so django-axes counts it).
    action = "auth.second_factor_failed" if credentials.get("second_factor") else "auth.login_failed"
    _record(request, action, username=credentials.get("username", ""), allowed=False)


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    _record(request, "auth.locked_out", username=username or "", allowed=False)
