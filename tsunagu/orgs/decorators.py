"""The gate in front of every staff view: logged in, acting for an organisation, holding the permission."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from .access import require


def staff_view(perm: str):
    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.actor.membership is None:
                return redirect("choose_organisation")
            require(request.actor, perm)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
