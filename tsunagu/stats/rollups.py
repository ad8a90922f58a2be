"""The triggers that keep the rollup tables (models.py) exact, and the full rebuild and check.

Each rollup is declared once, as a source table, the key expressions over one of its rows and a
condition; the same declaration gives the SQLite triggers (per row, NEW/OLD), the PostgreSQL triggers
(per statement, over the transition tables, so a bulk insert of 1,000 rows is one grouped upsert), the
rebuild and the check. Nothing else writes these tables.

The triggers are installed by a post_migrate handler (apps.py) rather than by a migration: a table
rebuilt by a later migration (SQLite's ALTER TABLE is a copy) loses its triggers, and the handler
notices any missing or changed trigger, reinstalls them all and rebuilds the rollups from the records.
Trigger names carry a hash of their definition, so changing a declaration here is noticed the same way.

Concurrency on PostgreSQL: an upsert locks its rollup row until the transaction ends, and every
contact touches its nation's row. Two transactions that each wrote several records (a ledger import and a
coordinator's save) could take those rows in opposite orders and deadlock, so each trigger first takes
one transaction-scoped advisory lock: writers of statistics-relevant records queue behind each other from
their first such write to their commit (milliseconds for a form; a large import holds them for its
length, as its row locks on the nation's rollups would anyway) and never deadlock.
"""

import hashlib
from dataclasses import dataclass

from django.db import connection, transaction


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

    def key_sql(self, d: Dialect, row: str) -> list[tuple[str, str]]:
        return [(column, expr(d, row)) for column, expr in self.keys]

    def where(self, d: Dialect, row: str) -> str:
        return self.condition(d, row) if self.condition else "1 = 1"

    def grouped(self, d: Dialect, rows: str) -> str:
        """SELECT ancestor_id, keys…, n over a set of source rows, one row per rollup key."""
        keys = self.key_sql(d, "r")
        positions = ", ".join(str(i) for i in range(1, len(keys) + 2))
        return (
            f"SELECT a.ancestor_id, {', '.join(f'{expr} AS {column}' for column, expr in keys)}, count(*) AS n "
            f"FROM {rows} r JOIN stats_organcestor a ON a.org_id = r.organisation_id "
            f"WHERE {self.where(d, 'r')} GROUP BY {positions} ORDER BY {positions}"
        )

    def key_columns(self) -> str:
        return ", ".join(["ancestor_id"] + [column for column, _ in self.keys])

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
    ),
    Feed(
        "connectedref",
        "stats_connectedyear",
        "cases_referral",
        ("organisation_id", "date", "target", "status", "case_id"),
        (("fy", lambda d, r: d.fiscal_year(f"{r}.date")), ("target", _col("target")), ("case_id", _col("case_id"))),
        lambda d, r: f"{r}.status = 'decided'",
    ),
    Feed(
        "connectedibasho",
        "stats_connectedyear",
        "ibasho_attendance",
        ("organisation_id", "date", "target", "is_first", "case_id"),
        (("fy", lambda d, r: d.fiscal_year(f"{r}.date")), ("target", _col("target")), ("case_id", _col("case_id"))),
        lambda d, r: f"({r}.is_first AND {r}.case_id IS NOT NULL)",
    ),
)
ROLLUP_LOCK = 0x7473756E  # pg_advisory_xact_lock key of the rollup writers ("tsun")
ROLLUP_TABLES = tuple(dict.fromkeys(feed.rollup for feed in FEEDS))


def _feeds() -> list[Feed]:
    """The feeds whose source table exists in this database."""
    tables = set(connection.introspection.table_names())
    return [feed for feed in FEEDS if feed.source in tables]


ANCESTORS = "SELECT a.id FROM orgs_organisation a WHERE a.path = substr({row}.path, 1, length(a.path))"


# --- trigger definitions ------------------------------------------------------------------------------


def _sqlite_row_sql(feed: Feed, d: Dialect, row: str, sign: str) -> str:
    keys = feed.key_sql(d, row)
    if sign == "+":
        return (
            feed.upsert(
                d,
                f"SELECT a.ancestor_id, {', '.join(expr for _, expr in keys)}, 1 FROM stats_organcestor a "
                f"WHERE a.org_id = {row}.organisation_id AND {feed.where(d, row)}",
            )
            + ";"
        )
    match = " AND ".join(
        [
            f"ancestor_id IN (SELECT ancestor_id FROM stats_organcestor WHERE org_id = {row}.organisation_id)",
            feed.where(d, row),
        ]
        + [f"{column} = {expr}" for column, expr in keys]
    )
    return f"UPDATE {feed.rollup} SET n = n - 1 WHERE {match}; DELETE FROM {feed.rollup} WHERE {match} AND n <= 0;"


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
        triggers[f"stats_{feed.name}_ins"] = f"AFTER INSERT ON {feed.source} BEGIN {add} END"
        triggers[f"stats_{feed.name}_del"] = f"AFTER DELETE ON {feed.source} BEGIN {sub} END"
        triggers[f"stats_{feed.name}_upd"] = (
            f"AFTER UPDATE OF {', '.join(feed.columns)} ON {feed.source} BEGIN {sub} {add} END"
        )
    return triggers


def _pg_function(feed: Feed, d: Dialect) -> str:
    keys = [column for column, _ in feed.keys]
    match = " AND ".join(f"t.{column} = g.{column}" for column in ["ancestor_id", *keys])
    old = feed.grouped(d, "old_rows")
    return (
        f"BEGIN\n"
        f"  PERFORM pg_advisory_xact_lock({ROLLUP_LOCK});\n"
        f"  IF TG_OP <> 'INSERT' THEN\n"
        f"    UPDATE {feed.rollup} AS t SET n = t.n - g.n FROM ({old}) g WHERE {match};\n"
        f"    DELETE FROM {feed.rollup} AS t USING ({old}) g WHERE {match} AND t.n <= 0;\n"
        f"  END IF;\n"
        f"  IF TG_OP <> 'DELETE' THEN\n"
        f"    {feed.upsert(d, feed.grouped(d, 'new_rows'))};\n"
        f"  END IF;\n"
        f"  RETURN NULL;\nEND"
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


def install() -> None:
    """Drop every stats trigger and create the current ones (one transaction)."""
    with transaction.atomic(), connection.cursor() as cursor:
        _drop_all(cursor)
        for name, spec in expected_triggers().items():
            if connection.vendor == "postgresql":
                body, clause = spec
                cursor.execute(f"CREATE FUNCTION {name}_f() RETURNS trigger LANGUAGE plpgsql AS $f$\n{body}\n$f$")
                cursor.execute(f"CREATE TRIGGER {name} {clause} EXECUTE FUNCTION {name}_f()")
            else:
                cursor.execute(f'CREATE TRIGGER "{name}" {spec}')


# --- rebuild and check --------------------------------------------------------------------------------


def _exclusive(cursor) -> None:
    """Wait for the writers of records in flight and hold new ones back until this transaction ends (the
    triggers' advisory lock), so a recount sees every committed record and misses no delta."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])


def rebuild() -> None:
    """Recompute the closure and every rollup from the records (one transaction)."""
    d = Dialect(connection.vendor)
    with transaction.atomic(), connection.cursor() as cursor:
        _exclusive(cursor)
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


def ancestors_of(org_id: int) -> list[int]:
    """The ids of the organisation's strict ancestors, from the closure."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ancestor_id FROM stats_organcestor WHERE org_id = %s AND ancestor_id <> %s", [org_id, org_id]
        )
        return sorted(row[0] for row in cursor.fetchall())


def move_subtree(org_id: int, old_ancestors: list[int], new_ancestors: list[int]) -> None:
    """After an organisation moved in the tree (its closure already updated by trigger): its own rollup
    rows hold everything below it, so they are taken off its old ancestors and added to its new ones.
    Call inside the transaction that moved it."""
    d = Dialect(connection.vendor)
    with connection.cursor() as cursor:
        _exclusive(cursor)
        for table in ROLLUP_TABLES:
            feed = next(feed for feed in FEEDS if feed.rollup == table)
            keys = [column for column, _ in feed.keys]
            mine = f"SELECT {', '.join(keys)}, n FROM {table} WHERE ancestor_id = %s"
            match = " AND ".join(f"t.{column} = m.{column}" for column in keys)
            for ancestor in old_ancestors:
                cursor.execute(
                    f"UPDATE {table} AS t SET n = t.n - m.n FROM ({mine}) AS m WHERE t.ancestor_id = %s AND {match}",
                    [org_id, ancestor],
                )
                cursor.execute(f"DELETE FROM {table} WHERE ancestor_id = %s AND n <= 0", [ancestor])
            for ancestor in new_ancestors:
                cursor.execute(
                    feed.upsert(d, f"SELECT %s, {', '.join(keys)}, n FROM {table} WHERE ancestor_id = %s"),
                    [ancestor, org_id],
                )


def on_organisation_moved(*, organisation, old_ancestors: list[int], new_ancestors: list[int], **_kwargs) -> None:
    """Receiver of orgs.hooks.organisation_moved (connected in StatsConfig.ready)."""
    move_subtree(organisation.pk, old_ancestors, new_ancestors)


def differences(progress=None) -> dict[str, int]:
    """{rollup table: keys whose stored count differs from a fresh count}, empty when every rollup is
    exact. On PostgreSQL the records and the rollups are read from one snapshot, so writes going on
    meanwhile are either wholly seen or not at all."""
    d = Dialect(connection.vendor)
    found = {}
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if snapshot:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for table in ROLLUP_TABLES:
            feeds = [feed for feed in _feeds() if feed.rollup == table]
            columns = feeds[0].key_columns()
            union = " UNION ALL ".join(
                f"SELECT * FROM ({feed.grouped(d, feed.source)}) s{i}" for i, feed in enumerate(feeds)
            )
            fresh = f"SELECT {columns}, sum(n) AS n FROM ({union}) u GROUP BY {columns}"
            stored = f"SELECT {columns}, n FROM {table}"
            # Keys whose count differs, is missing or should not be there, each once.
            cursor.execute(
                f"SELECT count(*) FROM (SELECT {columns} FROM (SELECT * FROM ({fresh}) f EXCEPT SELECT * FROM ({stored}) s) x "
                f"UNION SELECT {columns} FROM (SELECT * FROM ({stored}) s EXCEPT SELECT * FROM ({fresh}) f) y) z"
            )
            wrong = cursor.fetchone()[0]
            if wrong:
                found[table] = wrong
            if progress:
                progress(table, ROLLUP_TABLES.index(table) + 1, len(ROLLUP_TABLES))
    return found


def ensure(**_kwargs) -> bool:
    """Install the triggers and rebuild the rollups when any trigger is missing or out of date; True when
    it did. Connected to post_migrate."""
    if set(expected_triggers()) == installed_triggers():
        return False
    install()
    rebuild()
    return True
