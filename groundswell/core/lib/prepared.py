"""Lookups whose SQL is compiled once per database connection: for the hottest paths only.

Django compiles a queryset to SQL every time it runs. For a lookup by a unique key that joins
three or four tables, compiling costs 0.5 to 1 ms while SQLite answers in 0.05 ms, so on the
public survey page and the ingest API the compiler, not the database, set the pace.
`PreparedLookup` builds the query with the ORM once per connection (so column names, joins and
quoting stay Django's), keeps the SQL and the column converters, and on each call only swaps
in the key and builds the model instances.

The instances it returns behave like those of `select_related`: related objects are cached on
their parents, fields left out are deferred (reading one runs a query), and a missing reverse
one-to-one raises `DoesNotExist` as usual.

This leans on Django's query compiler (`get_compiler`, `as_sql`, `get_converters`), which is not
a documented API, so it is kept only where the benchmark shows the need. Measured with
bench/internals.py (microseconds a lookup, median of five batches; docs/performance.md):

    lookup, database          ORM   ORM + psycopg's   compiled once   compiled once +
                                     prepared stmts    (this module)   PREPARE (this)
    survey link, SQLite       991         -                113              -
    survey link, PostgreSQL  1868       1250               673             308
    API key, SQLite           556         -                 49              -
    API key, PostgreSQL       878        851               314             222
    ingest upsert, SQLite     747         -                118              -
    ingest upsert, PostgreSQL 1018      1002               367             336

psycopg's automatic prepared statements (`OPTIONS = {"server_side_binding": True,
"prepare_threshold": ...}`) save the server's planning but not Django's compiling, which is
most of the cost; they also switch every query of the connection to server-side binding.
The survey page, every API request and every ingest run one of these lookups, so the ORM
would add 0.5 to 1.6 ms to requests that take 1 to 3 ms in all.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured, MultipleObjectsReturned
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet, signals
from django.db.models.sql import InsertQuery

MARKER = "\x00groundswell-prepared-key-{}\x00"
# Integer keys are compiled as ids no row has, within every backend's 32-bit range (Django turns
# an out-of-range integer lookup into an empty result instead of a parameter).
NUMERIC_MARKER = -2_000_000_000
_serial = itertools.count()


@dataclass(frozen=True)
class _Part:
    """One model instance in a row: where it hangs and which columns are its own."""

    path: str  # "" for the root, else "relation" or "relation__relation"
    model: type[Model]
    attnames: tuple[str, ...]  # in the model's concrete-field order
    start: int
    pk_index: int


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    key_indexes: tuple[int, ...]  # where each key goes in params
    converters: Callable[[list[tuple[Any, ...]]], list[list[Any]]]


def _numbered(sql: str) -> str:
    """Django's `%s` placeholders as PostgreSQL's `$1, $2, …` (and `%%` as `%`)."""
    count = itertools.count(1)
    return re.sub(r"%s|%%", lambda m: "%" if m.group(0) == "%%" else f"${next(count)}", sql)


def _server_prepared(
    connection: BaseDatabaseWrapper,
    cursor: Any,
    attribute: str,
    name: str,
    compiled: _Compiled,
) -> str:
    """`EXECUTE` of a compiled statement, prepared once per PostgreSQL session.

    PostgreSQL plans every statement it is sent; for a lookup joining four or five tables
    planning takes about 1 ms, several times the execution. A prepared statement is planned
    for its first few runs, then keeps a generic plan. Preparing is not undone by a
    rollback; a new connection (after a reconnect) prepares again.
    """
    raw = connection.connection
    state = getattr(connection, attribute, None)
    if state is None or state[0] is not raw:
        # Set-up, like a connection's init commands: past Django's query log, so query
        # counts do not depend on which request came first on a connection.
        with connection.wrap_database_errors:
            cursor.cursor.execute(f"PREPARE {name} AS {_numbered(compiled.sql)}")
        arguments = ", ".join(["%s"] * len(compiled.params))
        state = (raw, f"EXECUTE {name}({arguments})")
        setattr(connection, attribute, state)
    execute: str = state[1]
    return execute


def _prepare_on_server(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "postgresql" and settings.GROUNDSWELL_PG_PREPARED_STATEMENTS


class PreparedLookup[M: Model]:
    """Find at most one `M` by one or more string keys, with related objects loaded.

    `build(*keys)` returns the queryset for `arity` keys. Each key is a placeholder while the
    SQL is compiled, a string (or with `numeric`, a negative integer), so filter on string
    (or integer) columns only and use each key once.
    `related` maps each relation path to load to the fields it needs (None for all concrete
    fields); `fields` does the same for the root model. `annotations` adds computed columns
    to the same query (a subquery, say); each value lands on the root object as an attribute
    of that name.
    """

    def __init__(
        self,
        model: type[M],
        build: Callable[..., QuerySet[M]],
        *,
        fields: Sequence[str] | None = None,
        related: dict[str, Sequence[str] | None] | None = None,
        annotations: dict[str, Any] | None = None,
        arity: int = 1,
        numeric: bool = False,
        using: str = DEFAULT_DB_ALIAS,
    ) -> None:
        self.model = model
        self.annotations = dict(annotations or {})
        self.arity = arity
        self.numeric = numeric
        self.build = build
        self.using = using
        self.parts = self._plan(fields, related or {})
        # A serial number, not id(self): a lookup made and dropped (as in a test) would leave
        # its SQL on the connection for the next object that happened to get the same id.
        self.attribute = f"_groundswell_prepared_{next(_serial)}"
        self.server_attribute = f"{self.attribute}_server"
        self.statement_name = f"groundswell_lookup_{self.attribute.rsplit('_', 1)[-1]}"

    def _plan(
        self, fields: Sequence[str] | None, related: dict[str, Sequence[str] | None]
    ) -> tuple[_Part, ...]:
        parts: list[_Part] = []
        start = 0
        for path, wanted in [("", fields), *related.items()]:
            model = self._model_at(path)
            concrete = [f.attname for f in model._meta.concrete_fields]
            pk = model._meta.pk
            if pk is None:  # pragma: no cover - every concrete model has one
                raise ImproperlyConfigured(f"{model.__name__} has no primary key")
            if wanted is None:
                names = concrete
            else:
                unknown = set(wanted) - set(concrete)
                if unknown:
                    raise ImproperlyConfigured(f"{model.__name__} has no field(s) {unknown}")
                names = [n for n in concrete if n in set(wanted) | {pk.attname}]
            parts.append(_Part(path, model, tuple(names), start, start + names.index(pk.attname)))
            start += len(names)
        return tuple(parts)

    def _model_at(self, path: str) -> type[Model]:
        model: type[Model] = self.model
        for name in filter(None, path.split("__")):
            related_model = model._meta.get_field(name).related_model
            if not isinstance(related_model, type):
                raise ImproperlyConfigured(f"{path!r} is not a relation of {self.model.__name__}")
            model = related_model
        return model

    def _columns(self) -> list[str]:
        return [
            *(
                f"{part.path}__{name}" if part.path else name
                for part in self.parts
                for name in part.attnames
            ),
            *self.annotations,
        ]

    def _compile(self, connection: BaseDatabaseWrapper) -> _Compiled:
        markers: list[Any] = [
            NUMERIC_MARKER - n if self.numeric else MARKER.format(n) for n in range(self.arity)
        ]
        queryset = self.build(*markers)
        if self.annotations:
            queryset = queryset.annotate(**self.annotations)
        queryset = queryset.order_by().values_list(*self._columns())[:2]
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        positions = []
        for marker in markers:
            found = [i for i, value in enumerate(params) if value == marker]
            if len(found) != 1:
                raise ImproperlyConfigured("The lookup must use each key exactly once.")
            positions.append(found[0])
        selected = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(selected)

        def convert(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
            if not converters:
                return [list(row) for row in rows]
            return [list(row) for row in compiler.apply_converters(rows, converters)]

        return _Compiled(sql, tuple(params), tuple(positions), convert)

    def get(self, *keys: str | int) -> M | None:
        """The object for `keys`, or None; raises MultipleObjectsReturned like `.get()`."""
        if len(keys) != self.arity:
            raise TypeError(f"Expected {self.arity} key(s), got {len(keys)}.")
        connection = connections[self.using]
        compiled: _Compiled | None = getattr(connection, self.attribute, None)
        if compiled is None:
            compiled = self._compile(connection)
            setattr(connection, self.attribute, compiled)
        params = list(compiled.params)
        for index, key in zip(compiled.key_indexes, keys, strict=True):
            params[index] = key
        with connection.cursor() as cursor:
            sql = compiled.sql
            if _prepare_on_server(connection):
                sql = self._server_prepared(connection, cursor, compiled)
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return None
        if len(rows) > 1:
            raise MultipleObjectsReturned(f"More than one {self.model.__name__}.")
        return self._instances(compiled.converters(rows)[0])

    def _server_prepared(
        self, connection: BaseDatabaseWrapper, cursor: Any, compiled: _Compiled
    ) -> str:
        return _server_prepared(
            connection, cursor, self.server_attribute, self.statement_name, compiled
        )

    def _instances(self, row: list[Any]) -> M:
        made: dict[str, Model | None] = {}
        for part in self.parts:
            values = row[part.start : part.start + len(part.attnames)]
            instance = None
            if values[part.pk_index - part.start] is not None:
                instance = part.model.from_db(self.using, part.attnames, values)
            made[part.path] = instance
            if part.path:
                parent_path, _, name = part.path.rpartition("__")
                parent = made[parent_path]
                if parent is not None:
                    field = parent._meta.get_field(name)
                    field.set_cached_value(parent, instance)  # type: ignore[union-attr]
                    if instance is not None and field.one_to_one and field.auto_created:
                        # reverse one-to-one: the child knows its parent too
                        field.field.set_cached_value(instance, parent)  # type: ignore[union-attr]
        root = made[""]
        if not isinstance(root, self.model):  # pragma: no cover - the root row has its pk
            raise TypeError(f"Expected a {self.model.__name__}")
        extra = self.parts[-1].start + len(self.parts[-1].attnames)
        for name, value in zip(self.annotations, row[extra:], strict=True):
            setattr(root, name, value)
        return root


class PreparedInsert[M: Model]:
    """Insert one new `M` with every concrete field, the SQL compiled once per connection.

    `Model.save()` builds an `InsertQuery` and compiles it on every call: for the survey
    answer's dozen columns that is most of the cost of the public survey POST and of a new
    ingested interaction, while the database takes a tenth of it (figures in
    docs/performance.md, "Prepared inserts"). `insert(instance)` runs each field's
    `pre_save` (so `auto_now` and the like behave as in `save()`) and `get_db_prep_save`,
    executes the kept `INSERT ... RETURNING` and sets the primary key, as `save()` does for a
    new object. It sends no `pre_save`/`post_save` signals: use it only for models nobody
    listens to (checked when the insert is first compiled).
    """

    def __init__(self, model: type[M], *, using: str = DEFAULT_DB_ALIAS) -> None:
        self.model = model
        self.using = using
        pk = model._meta.pk
        if pk is None:  # pragma: no cover - every concrete model has one
            raise ImproperlyConfigured(f"{model.__name__} has no primary key")
        self.pk = pk
        self.fields = tuple(f for f in model._meta.concrete_fields if f is not pk)
        self.attribute = f"_groundswell_prepared_{next(_serial)}"
        self.server_attribute = f"{self.attribute}_server"
        self.statement_name = f"groundswell_insert_{self.attribute.rsplit('_', 1)[-1]}"

    def _compile(self, connection: BaseDatabaseWrapper, instance: M) -> _Compiled:
        for signal in (signals.pre_save, signals.post_save):
            if signal.has_listeners(self.model):
                raise ImproperlyConfigured(
                    f"{self.model.__name__} has save signal receivers: use save() instead."
                )
        query = InsertQuery(self.model)
        query.insert_values(list(self.fields), [instance])
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = [self.pk]
        statements = compiler.as_sql()
        if len(statements) != 1 or len(statements[0][1]) != len(self.fields):
            raise ImproperlyConfigured(f"Cannot prepare the insert of {self.model.__name__}.")
        sql, params = statements[0]
        if " RETURNING " not in sql:
            raise ImproperlyConfigured(f"{connection.vendor} cannot return inserted ids.")
        return _Compiled(sql, tuple(params), (), lambda rows: [list(r) for r in rows])

    def insert(self, instance: M) -> M:
        """INSERT `instance` (not saved before) and give it its primary key."""
        if not instance._state.adding or instance.pk is not None:
            raise ValueError(f"{instance!r} is already saved.")
        connection = connections[self.using]
        params = [
            field.get_db_prep_save(field.pre_save(instance, True), connection=connection)
            for field in self.fields
        ]
        compiled: _Compiled | None = getattr(connection, self.attribute, None)
        if compiled is None:
            compiled = self._compile(connection, instance)
            setattr(connection, self.attribute, compiled)
        with connection.cursor() as cursor:
            sql = compiled.sql
            if _prepare_on_server(connection):
                sql = _server_prepared(
                    connection, cursor, self.server_attribute, self.statement_name, compiled
                )
            cursor.execute(sql, params)
            row = cursor.fetchone()
        value = row[0]
        for converter in self.pk.get_db_converters(connection):
            value = converter(value, self.pk, connection)
        setattr(instance, self.pk.attname, value)
        instance._state.adding = False
        instance._state.db = self.using
        return instance


# Markers for the arguments of a PreparedRows query, by type: values no real query passes.
def _marker(value: object, n: int) -> object:
    if isinstance(value, datetime.datetime):
        return datetime.datetime(1901, 2, 3, 4, 5, 6, n + 1, tzinfo=datetime.UTC)
    if isinstance(value, datetime.date):
        return datetime.date(1901, 2, 3) + datetime.timedelta(days=n)
    if isinstance(value, bool):
        raise TypeError("PreparedRows takes no booleans: build one query for each value.")
    if isinstance(value, int):
        return NUMERIC_MARKER - n
    if isinstance(value, str):
        return MARKER.format(n)
    raise TypeError(f"PreparedRows cannot prepare a {type(value).__name__} argument.")


def _shape(value: object) -> Hashable:
    """What of an argument changes the SQL: a list's length, a string's being empty, None."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return (list, tuple(_shape(item) for item in value))
    if isinstance(value, str):
        return (str, bool(value))
    return type(value).__name__


@dataclass(frozen=True)
class _Slot:
    """Where one argument (or one item of a list argument) goes in the parameters."""

    index: int
    argument: int
    item: int | None  # the item of a list argument, or None
    adapt: Callable[[Any], Any]


@dataclass(frozen=True)
class _CompiledRows:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[_Slot, ...]
    names: tuple[str, ...]
    converters: Callable[[list[tuple[Any, ...]]], Iterable[Sequence[Any]]]


class PreparedRows:
    """The rows of a `values()` query (a GROUP BY, say), compiled once per connection and shape.

    `build(*arguments)` returns the queryset. Arguments are datetimes, dates, integers,
    strings, None, or lists of those; whatever changes the SQL (None or not, a list's length, an
    empty string or not) is the shape, and each shape is compiled once per connection: with
    markers in place of the values, whose places in the parameters are then filled with the
    real values on each call, adapted as Django adapts them. Use every non-empty argument in the
    query (an unused one is an error) and never compute other values from one (no
    `day_start(argument)`: pass that as an argument too).

    `rows(*arguments)` gives what `list(build(*arguments))` gives, dictionaries of converted
    values, for a fraction of the cost: the dashboard's live GROUP BYs cost 2 to 4 ms each to
    compile against a fraction of a millisecond to run (docs/performance.md, "The dashboard,
    cold").
    """

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self.build = build
        self.attribute = f"_groundswell_prepared_rows_{next(_serial)}"

    def _compile(
        self, connection: BaseDatabaseWrapper, arguments: Sequence[Any]
    ) -> _CompiledRows | None:
        """The SQL for the shape of `arguments`, or None where it can match no row (as an
        empty `__in` list: Django sends no query then either)."""
        counter = itertools.count()
        markers: list[Any] = []
        wanted: list[tuple[Any, int, int | None]] = []  # marker, argument, item
        for position, value in enumerate(arguments):
            if isinstance(value, list | tuple):
                items = [_marker(item, next(counter)) for item in value]
                markers.append(items)
                wanted += [(m, position, i) for i, m in enumerate(items)]
            elif value is None or value == "":
                markers.append(value)
            else:
                marker = _marker(value, next(counter))
                markers.append(marker)
                wanted.append((marker, position, None))
        queryset = self.build(*markers).using(connection.alias)
        query = queryset.query
        compiler = query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        slots = []
        for marker, position, item in wanted:
            found = []
            for adapt in self._adapters(connection, marker):
                found += [
                    _Slot(index, position, item, adapt)
                    for index, param in enumerate(params)
                    if type(param) is type(adapt(marker)) and param == adapt(marker)
                ]
            if not found:
                raise ImproperlyConfigured(
                    f"Argument {position} of the prepared query is not a parameter of its SQL."
                )
            slots += found
        if query.selected:
            names = tuple(query.selected)
        else:
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
        selected = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(selected)

        def convert(rows: list[tuple[Any, ...]]) -> Iterable[Sequence[Any]]:
            return compiler.apply_converters(rows, converters) if converters else rows

        return _CompiledRows(sql, tuple(params), tuple(slots), names, convert)

    @staticmethod
    def _adapters(connection: BaseDatabaseWrapper, marker: Any) -> list[Callable[[Any], Any]]:
        """How Django may have passed a value of the marker's type: as it is, or adapted."""
        same: Callable[[Any], Any] = lambda value: value  # noqa: E731
        if isinstance(marker, datetime.datetime):
            adapted = connection.ops.adapt_datetimefield_value
        elif isinstance(marker, datetime.date):
            adapted = connection.ops.adapt_datefield_value
        else:
            return [same]
        return [same] if adapted(marker) == marker else [same, adapted]

    def rows(self, *arguments: Any, using: str = DEFAULT_DB_ALIAS) -> list[dict[str, Any]]:
        connection = connections[using]
        compiled_shapes: dict[Hashable, _CompiledRows | None] | None = getattr(
            connection, self.attribute, None
        )
        if compiled_shapes is None:
            compiled_shapes = {}
            setattr(connection, self.attribute, compiled_shapes)
        shape = tuple(_shape(argument) for argument in arguments)
        if shape not in compiled_shapes:
            compiled_shapes[shape] = self._compile(connection, arguments)
        compiled = compiled_shapes[shape]
        if compiled is None:
            return []
        params = list(compiled.params)
        for slot in compiled.slots:
            value = arguments[slot.argument]
            params[slot.index] = slot.adapt(value if slot.item is None else value[slot.item])
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in compiled.converters(fetched)]
