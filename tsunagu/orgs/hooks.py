"""What the organisation tree tells the apps above it, which it must not import (see tests/test_layers.py).

A receiver runs inside the transaction of the change it hears of, so its work commits or rolls back
with it; a receiver that raises undoes the change.
"""

from django.dispatch import Signal

# An organisation moved to another parent: sent with organisation, old_ancestors and new_ancestors (the
# ids of its strict ancestors before and after, in id order), after it and everything below it got
# their new paths. The statistics move the subtree's counts from the old ancestors to the new ones.
organisation_moved = Signal()

# A 管理者 created an account with an initial password they chose: sent with user, inside add_staff's
# transaction. The log-in app makes the person change it at their first log-in.
initial_password_set = Signal()

# A 管理者 ended a membership (made it inactive): sent with actor and membership, inside change_staff's
# transaction. The API revokes the membership's tokens, so a membership made active again does not
# bring them back.
membership_ended = Signal()
