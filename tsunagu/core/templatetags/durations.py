"""Lengths of time as people say them: 180 months is 15年, 30 months 2年6か月."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def months(value):
    """A number of months in years and months (「180か月」 reads as 15年); "" for None."""
    if value is None or value == "":
        return ""
    years, rest = divmod(int(value), 12)
    if years and rest:
        return _("%(years)d年%(months)dか月") % {"years": years, "months": rest}
    if years:
        return _("%(years)d年") % {"years": years}
    return _("%(months)dか月") % {"months": rest}
