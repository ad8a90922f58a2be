"""The triggers that keep the rollup tables (models.py) exact, and the full rebuild and check.

Each rollup is declared once, as a source table, the key expressions over one of its rows and a
condition; the same declaration gives the SQLite triggers (per row, NEW/OLD), the PostgreSQL triggers
(per statement, over the transition tables, so a bulk insert of 1,000 rows is one grouped upsert), the
rebuild and the check. Nothing else writes these tables but the fold of the national sums (national.py).

The triggers are installed by a post_migrate handler (apps.py) rather than by a migration: a table
rebuilt by a later migration (SQLite's ALTER TABLE is a copy) loses its triggers, and the handler
notices any missing or changed trigger, reinstalls them all and rebuilds the rollups from the records.
Trigger names carry a hash of their definition, so changing a declaration here is noticed the same way.

Every rollup row counts the records of one organisation (its `ancestor_id`, a name kept from when a row
held a whole subtree); a report sums the rows of the organisations of its subtree, read through the
closure (stats_organcestor). Measured on PostgreSQL, rows per subtree made each contact upsert its
municipality's, its prefecture's and the nation's rows, so writers of the whole nation met on the
nation's rows: one national advisory lock kept them from deadlocking, and a 2-second transaction in one
prefecture made a contact save in another wait 2.01 s. With a row per organisation two organisations'
writers share no rollup row, and the lock is per organisation (orgs/locks.py), so nobody waits for
another organisation; a prefecture's report sums its few organisations' rows instead of one.
The price was the nation's report, which summed every organisation's rows (bench/rollup_layout.py, SQLite,
141,994 contacts in 17 organisations of a partly built synthetic nation, FY2024: 9,847 contact rows
and 118.8 ms; the same file with per-subtree rows, as before, 2,030 rows and 56.7 ms).

National sums (national.py): the additive feeds (`national`: contacts, new cases, referrals) also
INSERT their signed counts into an append-only delta table, which a fold moves into national sums that
the nation's report reads instead of every organisation's rows; national.py says why and what it gains.

Plans that cannot go wrong (PostgreSQL): the triggers add through INSERT … ON CONFLICT, which probes the
unique key, and subtract one changed key at a time by its whole unique key. A join of a rollup table
with the changed keys is planned from the table's statistics, and when those say the table is empty
(reltuples = 0: a fresh table, or one autovacuum counted while a build was open, since rows of a
transaction in progress are not live) PostgreSQL scanned the whole rollup table for every changed
record (tests/stats/test_rollup_plans.py: 12,004 rollup rows read for six small changes, now under 20 per
table). A rebuild ends with ANALYZE of the tables it refilled.

Lock order: the actions call orgs.locks.lock_statistics before their first row lock
(tests/stats/test_rollup_locks.py runs each pair that deadlocked). Each trigger takes the same locks
before it touches a rollup row, a no-op when the action holds them; for a writer that is not an action
(a bulk loader) that comes after its own rows, so code that locks rows and then writes counted records
calls lock_statistics first too. An UPDATE that changes none of a feed's counted columns (a renamed
case, a contact's note) writes no rollup row and takes no lock.
"""

import hashlib
from dataclasses import dataclass

from django.db import connection, transaction

from tsunagu.orgs.locks import FOLD, ORGANISATION, STATISTICS


@dataclass(frozen=True)
class Dialect:
    vendor: str

    def month(self, expr: str) -> str:
        if self.vendor == "postgresql":
            return f"date_trunc('month', {expr})::date"
        return f"substr({expr}, 1, 7) || '-01'"

    def fiscal_year(self, expr: str) -> str:
        if self.vendor == "postgresql":
            return f"(extract(year from {expr})::int - (extract(month from {expr}) < 4)::int)"
        return f"(CAST(substr({expr}, 1, 4) AS INTEGER) - (CAST(substr({expr}, 6, 2) AS INTEGER) < 4))"


@dataclass(frozen=True)
class Feed:
    """One source table feeding one rollup table."""

    name: str  # short name for the triggers
    rollup: str  # rollup table
    source: str  # source table (its rows carry organisation_id)
    columns: tuple  # source columns the keys and the condition read
    keys: tuple  # ((rollup column, function(dialect, row alias) -> SQL), ...)
    condition: object = None  # function(dialect, row alias) -> SQL, or None for every row
    national: bool = False  # also kept summed over the nation: {rollup}_nation, fed by {rollup}_delta

    @property
    def nation(self) -> str:
        return f"{self.rollup}_nation"

    @property
    def delta(self) -> str:
        return f"{self.rollup}_delta"

    def key_sql(self, d: Dialect, row: str) -> list[tuple[str, str]]:
        return [(column, expr(d, row)) for column, expr in self.keys]

    def where(self, d: Dialect, row: str) -> str:
        return self.condition(d, row) if self.condition else "1 = 1"

    def grouped(self, d: Dialect, rows: str) -> str:
        """SELECT organisation, keys…, n over a set of source rows, one row per rollup key."""
        keys = self.key_sql(d, "r")
        positions = ", ".join(str(i) for i in range(1, len(keys) + 2))
        return (
            f"SELECT r.organisation_id AS ancestor_id, {', '.join(f'{expr} AS {column}' for column, expr in keys)}, "
            f"count(*) AS n FROM {rows} r WHERE {self.where(d, 'r')} GROUP BY {positions} ORDER BY {positions}"
        )

    def changed(self, old: str, new: str) -> str:
        """The rows of `old` (an UPDATE's transition table) whose counted columns differ in `new`."""
        return (
            f"(SELECT {old}.* FROM {old} JOIN {new} USING (id) "
            f"WHERE ({', '.join(f'{old}.{c}' for c in self.columns)}) IS DISTINCT FROM "
            f"({', '.join(f'{new}.{c}' for c in self.columns)}))"
        )

    def key_columns(self) -> str:
        return ", ".join(["ancestor_id"] + [column for column, _ in self.keys])

    def nation_columns(self) -> str:
        return ", ".join(column for column, _ in self.keys)

    def delta_insert(self, d: Dialect, rows: str, sign: str) -> str:
        """INSERT the signed counts of a set of source rows into the delta table, one row per key: a
        plain insert, which waits for nobody."""
        keys = self.key_sql(d, "r")
        positions = ", ".join(str(i) for i in range(1, len(keys) + 1))
        return (
            f"INSERT INTO {self.delta} ({self.nation_columns()}, n) "
            f"SELECT {', '.join(expr for _, expr in keys)}, {sign}count(*) FROM {rows} r "
            f"WHERE {self.where(d, 'r')} GROUP BY {positions}"
        )

    def upsert(self, d: Dialect, select: str) -> str:
        # SQLite allows no alias on an INSERT inside a trigger; there the bare n is the stored row's.
        columns, alias, stored = self.key_columns(), " AS t", "t.n"
        if d.vendor != "postgresql":
            alias, stored = "", "n"
        return (
            f"INSERT INTO {self.rollup}{alias} ({columns}, n) {select} "
            f"ON CONFLICT ({columns}) DO UPDATE SET n = {stored} + excluded.n"
        )


def _col(name):
    return lambda d, r: f"{r}.{name}"


def _connected_feeds(suffix: str, rollup: str, period) -> tuple:
    """The two feeds of a connected-presence table (per fiscal year or per month): decided referrals and
    first 居場所 attendances of a case, each keyed by its period, target and case."""
    keys = (period, ("target", _col("target")), ("case_id", _col("case_id")))
    return (
        Feed(
            f"connectedref{suffix}",
            rollup,
            "cases_referral",
            ("organisation_id", "date", "target", "status", "case_id"),
            keys,
            lambda d, r: f"{r}.status = 'decided'",
        ),
        Feed(
            f"connectedibasho{suffix}",
            rollup,
            "ibasho_attendance",
            ("organisation_id", "date", "target", "is_first", "case_id"),
            keys,
            lambda d, r: f"({r}.is_first AND {r}.case_id IS NOT NULL)",
        ),
    )


FEEDS = (
    Feed(
        "contactmonth",
        "stats_contactmonth",
        "cases_contact",
        ("organisation_id", "date", "channel", "consulter", "age_band", "with_peer"),
        (
            ("month", lambda d, r: d.month(f"{r}.date")),
            ("channel", _col("channel")),
            ("consulter", _col("consulter")),
            ("age_band", _col("age_band")),
            ("with_peer", _col("with_peer")),
        ),
        national=True,
    ),
    Feed(
        "caseyear",
        "stats_caseyear",
        "cases_contact",
        ("organisation_id", "date", "case_id"),
        (("fy", lambda d, r: d.fiscal_year(f"{r}.date")), ("case_id", _col("case_id"))),
    ),
    Feed(
        "newcasemonth",
        "stats_newcasemonth",
        "cases_case",
        ("organisation_id", "first_contact_on"),
        (("month", lambda d, r: d.month(f"{r}.first_contact_on")),),
        lambda d, r: f"{r}.first_contact_on IS NOT NULL",
        national=True,
    ),
    Feed(
        "referralmonth",
        "stats_referralmonth",
        "cases_referral",
        ("organisation_id", "date", "category_id", "target", "status"),
        (
            ("month", lambda d, r: d.month(f"{r}.date")),
            ("category_id", lambda d, r: f"coalesce({r}.category_id, 0)"),
            ("target", _col("target")),
            ("decided", lambda d, r: f"({r}.status = 'decided')"),
        ),
        national=True,
    ),
    *_connected_feeds("", "stats_connectedyear", ("fy", lambda d, r: d.fiscal_year(f"{r}.date"))),
)
# The presence tables by month: 実人数 and connected over a span of whole months that is not one fiscal
# year (a half year, 5/17–1/9) are distinct counts over these rows instead of over the records.
FEEDS += (
    Feed(
        "casemonth",
        "stats_casemonth",
        "cases_contact",
        ("organisation_id", "date", "case_id"),
        (("month", lambda d, r: d.month(f"{r}.date")), ("case_id", _col("case_id"))),
    ),
    *_connected_feeds("month", "stats_connectedmonth", ("month", lambda d, r: d.month(f"{r}.date"))),
)
ROLLUP_TABLES = tuple(dict.fromkeys(feed.rollup for feed in FEEDS))
# The national sums and their deltas: one feed per table.
NATIONAL = tuple(feed for feed in FEEDS if feed.national)


def _feeds() -> list[Feed]:
    """The feeds whose source table exists in this database."""
    tables = set(connection.introspection.table_names())
    return [feed for feed in FEEDS if feed.source in tables]


ANCESTORS = "SELECT a.id FROM orgs_organisation a WHERE a.path = substr({row}.path, 1, length(a.path))"


# --- trigger definitions ------------------------------------------------------------------------------


def _sqlite_row_sql(feed: Feed, d: Dialect, row: str, sign: str) -> str:
    keys = feed.key_sql(d, row)
    delta = ""
    if feed.national:
        delta = (
            f" INSERT INTO {feed.delta} ({feed.nation_columns()}, n) "
            f"SELECT {', '.join(expr for _, expr in keys)}, {sign}1 WHERE {feed.where(d, row)};"
        )
    if sign == "+":
        select = f"SELECT {row}.organisation_id, {', '.join(expr for _, expr in keys)}, 1 WHERE {feed.where(d, row)}"
        return feed.upsert(d, select) + ";" + delta
    match = " AND ".join(
        [f"ancestor_id = {row}.organisation_id", feed.where(d, row)] + [f"{column} = {expr}" for column, expr in keys]
    )
    return (
        f"UPDATE {feed.rollup} SET n = n - 1 WHERE {match}; DELETE FROM {feed.rollup} WHERE {match} AND n <= 0;" + delta
    )


def _sqlite_triggers() -> dict[str, str]:
    d = Dialect("sqlite")
    triggers = {
        "stats_organcestor_ins": f"AFTER INSERT ON orgs_organisation BEGIN "
        f"INSERT INTO stats_organcestor (org_id, ancestor_id) SELECT NEW.id, a.id FROM ({ANCESTORS.format(row='NEW')}) a; END",
        "stats_organcestor_upd": f"AFTER UPDATE OF path ON orgs_organisation BEGIN "
        f"DELETE FROM stats_organcestor WHERE org_id = NEW.id; "
        f"INSERT INTO stats_organcestor (org_id, ancestor_id) SELECT NEW.id, a.id FROM ({ANCESTORS.format(row='NEW')}) a; END",
        "stats_organcestor_del": "AFTER DELETE ON orgs_organisation BEGIN "
        "DELETE FROM stats_organcestor WHERE org_id = OLD.id; END",
    }
    for feed in _feeds():
        add, sub = _sqlite_row_sql(feed, d, "NEW", "+"), _sqlite_row_sql(feed, d, "OLD", "-")
        changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in feed.columns)
        triggers[f"stats_{feed.name}_ins"] = f"AFTER INSERT ON {feed.source} BEGIN {add} END"
        triggers[f"stats_{feed.name}_del"] = f"AFTER DELETE ON {feed.source} BEGIN {sub} END"
        triggers[f"stats_{feed.name}_upd"] = (
            f"AFTER UPDATE OF {', '.join(feed.columns)} ON {feed.source} WHEN {changed} BEGIN {sub} {add} END"
        )
    return triggers


def _pg_lock(rows: str, feed: Feed, d: Dialect) -> str:
    """Take orgs.locks.lock_statistics's locks for the organisations of the counted rows, in its order."""
    return (
        f"    FOR org IN SELECT DISTINCT r.organisation_id FROM ({rows}) r WHERE {feed.where(d, 'r')} ORDER BY 1 LOOP\n"
        f"      PERFORM pg_advisory_xact_lock_shared({STATISTICS});\n"
        f"      PERFORM pg_advisory_xact_lock({ORGANISATION}, (org % 2147483648)::int);\n"
        f"    END LOOP;\n"
    )


def _pg_function(feed: Feed, d: Dialect) -> str:
    keys = [column for column, _ in feed.keys]
    match = " AND ".join(f"t.{column} = g.{column}" for column in ["ancestor_id", *keys])

    def delta(rows, sign):
        return f"    {feed.delta_insert(d, rows, sign)};\n" if feed.national else ""

    def subtract(rows):
        # One statement per changed key, each naming the whole unique key: a join of the rollup table
        # with the changed keys is planned from the table's statistics, and when those say it is empty
        # (reltuples = 0) PostgreSQL scans the whole table for every changed record
        # (tests/stats/test_rollup_plans.py). An equality on the unique key reads one row whatever the
        # statistics say.
        return (
            f"    FOR g IN {feed.grouped(d, rows)} LOOP\n"
            f"      UPDATE {feed.rollup} AS t SET n = t.n - g.n WHERE {match} RETURNING t.n INTO remaining;\n"
            f"      IF remaining <= 0 THEN DELETE FROM {feed.rollup} AS t WHERE {match}; END IF;\n"
            f"    END LOOP;\n"
        ) + delta(rows, "-")

    def add(rows):
        return f"    {feed.upsert(d, feed.grouped(d, rows))};\n" + delta(rows, "")

    # An UPDATE counts only the rows whose counted columns changed: a renamed case writes nothing.
    old, new = feed.changed("old_rows", "new_rows"), feed.changed("new_rows", "old_rows")
    return (
        "DECLARE org bigint; g record; remaining integer;\nBEGIN\n"
        "  IF TG_OP = 'INSERT' THEN\n"
        + _pg_lock("SELECT * FROM new_rows", feed, d)
        + add("new_rows")
        + "  ELSIF TG_OP = 'DELETE' THEN\n"
        + _pg_lock("SELECT * FROM old_rows", feed, d)
        + subtract("old_rows")
        + "  ELSE\n"
        + _pg_lock(f"SELECT * FROM {old} o UNION ALL SELECT * FROM {new} n", feed, d)
        + subtract(old)
        + add(new)
        + "  END IF;\n  RETURN NULL;\nEND"
    )


def _pg_triggers() -> dict[str, tuple[str, str]]:
    """{trigger name: (function body, trigger clause)}."""
    d = Dialect("postgresql")
    triggers = {
        "stats_organcestor": (
            "BEGIN\n"
            "  IF TG_OP <> 'INSERT' THEN DELETE FROM stats_organcestor WHERE org_id = OLD.id; END IF;\n"
            "  IF TG_OP <> 'DELETE' THEN INSERT INTO stats_organcestor (org_id, ancestor_id) "
            f"SELECT NEW.id, a.id FROM ({ANCESTORS.format(row='NEW')}) a; END IF;\n"
            "  RETURN NULL;\nEND",
            "AFTER INSERT OR DELETE OR UPDATE OF path ON orgs_organisation FOR EACH ROW",
        ),
    }
    for feed in _feeds():
        body = _pg_function(feed, d)
        triggers[f"stats_{feed.name}_ins"] = (
            body,
            f"AFTER INSERT ON {feed.source} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT",
        )
        triggers[f"stats_{feed.name}_upd"] = (
            body,
            f"AFTER UPDATE ON {feed.source} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT",
        )
        triggers[f"stats_{feed.name}_del"] = (
            body,
            f"AFTER DELETE ON {feed.source} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT",
        )
    return triggers


def _versioned(name: str, definition: str) -> str:
    """The trigger's name with a hash of its definition: a changed definition is a missing trigger."""
    return f"{name}_{hashlib.sha256(definition.encode()).hexdigest()[:8]}"


def expected_triggers() -> dict[str, object]:
    if connection.vendor == "postgresql":
        return {_versioned(name, repr(spec)): spec for name, spec in _pg_triggers().items()}
    return {_versioned(name, sql): sql for name, sql in _sqlite_triggers().items()}


def installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'stats\\_%'")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'stats\\_%' ESCAPE '\\'"
            )
        return {row[0] for row in cursor.fetchall()}


def _drop_all(cursor) -> None:
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'stats\\_%'"
        )
        for name, table in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON {table}')
        cursor.execute("SELECT oid::regprocedure::text FROM pg_proc WHERE proname LIKE 'stats\\_%\\_f'")
        for (function,) in cursor.fetchall():
            cursor.execute(f"DROP FUNCTION IF EXISTS {function}")
    else:
        for name in installed_triggers():
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def trigger_sql() -> list[str]:
    """The statements that create the current triggers on this engine (what `tsunagu rollups --sql`
    prints and `install` runs)."""
    statements = []
    for name, spec in expected_triggers().items():
        if connection.vendor == "postgresql":
            body, clause = spec
            statements.append(f"CREATE FUNCTION {name}_f() RETURNS trigger LANGUAGE plpgsql AS $f$\n{body}\n$f$")
            statements.append(f"CREATE TRIGGER {name} {clause} EXECUTE FUNCTION {name}_f()")
        else:
            statements.append(f'CREATE TRIGGER "{name}" {spec}')
    return statements


def install() -> None:
    """Drop every stats trigger and create the current ones (one transaction)."""
    with transaction.atomic(), connection.cursor() as cursor:
        _drop_all(cursor)
        for statement in trigger_sql():
            cursor.execute(statement)


# --- rebuild and check --------------------------------------------------------------------------------


def _exclusive(cursor) -> None:
    """Wait for the writers of records in flight and hold new ones back until this transaction ends (every
    writer holds the STATISTICS lock shared), so a recount sees every committed record and misses no delta."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [STATISTICS])


def rebuild() -> None:
    """Recompute the closure and every rollup from the records, the national sums from those, with no
    delta left (one transaction)."""
    d = Dialect(connection.vendor)
    with transaction.atomic(), connection.cursor() as cursor:
        _exclusive(cursor)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FOLD])  # a fold in flight finishes first
        cursor.execute("DELETE FROM stats_organcestor")
        cursor.execute(
            "INSERT INTO stats_organcestor (org_id, ancestor_id) SELECT o.id, a.id "
            "FROM orgs_organisation o JOIN orgs_organisation a "
            "ON a.path = substr(o.path, 1, length(a.path))"
        )
        for table in ROLLUP_TABLES:
            cursor.execute(f"DELETE FROM {table}")
        for feed in _feeds():
            cursor.execute(feed.upsert(d, feed.grouped(d, feed.source)))
        for feed in national_feeds():
            columns = feed.nation_columns()
            cursor.execute(f"DELETE FROM {feed.delta}")
            cursor.execute(f"DELETE FROM {feed.nation}")
            cursor.execute(
                f"INSERT INTO {feed.nation} ({columns}, n) SELECT {columns}, sum(n) FROM {feed.rollup} GROUP BY {columns}"
            )
        if connection.vendor == "postgresql":
            # The tables were just refilled: statistics of what they hold now, not of before.
            cursor.execute(f"ANALYZE stats_organcestor, {', '.join(_analysed())}")


def national_feeds() -> list[Feed]:
    """The feeds with national sums whose source table exists in this database."""
    return [feed for feed in _feeds() if feed.national]


def _analysed() -> list[str]:
    return [*ROLLUP_TABLES, *(table for feed in NATIONAL for table in (feed.nation, feed.delta))]


def ancestors_of(org_id: int) -> list[int]:
    """The ids of the organisation's strict ancestors, from the closure."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ancestor_id FROM stats_organcestor WHERE org_id = %s AND ancestor_id <> %s", [org_id, org_id]
        )
        return sorted(row[0] for row in cursor.fetchall())


def _except_count(columns: str, fresh: str, stored: str) -> str:
    """SQL counting the keys whose count differs between two queries, is missing or should not be
    there, each once."""
    return (
        f"SELECT count(*) FROM (SELECT {columns} FROM (SELECT * FROM ({fresh}) f EXCEPT SELECT * FROM ({stored}) s) x "
        f"UNION SELECT {columns} FROM (SELECT * FROM ({stored}) s EXCEPT SELECT * FROM ({fresh}) f) y) z"
    )


def _checks(d: Dialect) -> list[tuple[str, str, str, str]]:
    """(table, its key columns, a fresh count from the records, what it holds) for every rollup table,
    then for every national sum (its rows plus the unfolded deltas)."""
    checks, fresh_of = [], {}
    for table in ROLLUP_TABLES:
        feeds = [feed for feed in _feeds() if feed.rollup == table]
        if not feeds:
            continue
        columns = feeds[0].key_columns()
        union = " UNION ALL ".join(
            f"SELECT * FROM ({feed.grouped(d, feed.source)}) s{i}" for i, feed in enumerate(feeds)
        )
        fresh_of[table] = f"SELECT {columns}, sum(n) AS n FROM ({union}) u GROUP BY {columns}"
        checks.append((table, columns, fresh_of[table], f"SELECT {columns}, n FROM {table}"))
    for feed in national_feeds():
        columns = feed.nation_columns()
        fresh = f"SELECT {columns}, sum(n) AS n FROM ({fresh_of[feed.rollup]}) r GROUP BY {columns}"
        stored = (
            f"SELECT {columns}, sum(n) AS n FROM (SELECT {columns}, n FROM {feed.nation} "
            f"UNION ALL SELECT {columns}, n FROM {feed.delta}) u GROUP BY {columns} HAVING sum(n) <> 0"
        )
        checks.append((feed.nation, columns, fresh, stored))
    return checks


def differences(progress=None) -> dict[str, int]:
    """{rollup table: keys whose stored count differs from a fresh count}, empty when every rollup is
    exact; a national table counts with its unfolded deltas. On PostgreSQL the records and the rollups
    are read from one snapshot, so writes going on meanwhile are either wholly seen or not at all."""
    d = Dialect(connection.vendor)
    found = {}
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if snapshot:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        checks = _checks(d)
        for done, (table, columns, fresh, stored) in enumerate(checks, 1):
            cursor.execute(_except_count(columns, fresh, stored))
            wrong = cursor.fetchone()[0]
            if wrong:
                found[table] = wrong
            if progress:
                progress(table, done, len(checks))
    return found


def ensure(**_kwargs) -> bool:
    """Install the triggers and rebuild the rollups when any trigger is missing or out of date; True when
    it did. Connected to post_migrate."""
    if set(expected_triggers()) == installed_triggers():
        return False
    install()
    rebuild()
    return True
