# The access harness's world (every role in the own prefecture, and what each app adds).
from ..test_access import world  # noqa: F401
