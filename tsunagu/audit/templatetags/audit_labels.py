from django import template

from tsunagu.audit.labels import action_label, field_label

register = template.Library()

register.filter("action_label", action_label)
register.filter("field_label", field_label)
