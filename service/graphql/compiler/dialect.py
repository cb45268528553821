"""The SQL the compiler writes, per backend: JSON building, casts, lists, ordering, timestamps.

Everything that differs between PostgreSQL and SQLite is here, so that the plan and the
relation table write one form. PostgreSQL builds ``json`` (not ``jsonb``: it keeps keys in
selection order); SQLite builds JSON text, and a nested value is passed through ``json()``
so that it is embedded as JSON, not quoted as a string (the JSON subtype does not survive a
subquery).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: PostgreSQL functions take at most 100 arguments: 50 keys per ``json_build_object``.
MAX_OBJECT_KEYS = 50


def _quoted(name: str) -> str:
    """``,"name"``: one element of a JSON array of names, after its separator."""
    return ',"' + name + '"'


@dataclass(frozen=True, slots=True)
class Dialect:
    """The SQL forms of one backend (``name`` is SQLAlchemy's dialect name)."""

    name: str

    @property
    def postgres(self) -> bool:
        return self.name == "postgresql"

    def json_out(self, value: str) -> str:
        """A JSON value as a statement hands it to Python, to be spliced into the response.

        PostgreSQL: its UTF-8 bytes (``convert_to``), which asyncpg passes through as they
        arrive; as text, asyncpg decoded it to a ``str`` and orjson encoded that to UTF-8
        again when it wrote the response (about a tenth of a cold country page's
        instructions). SQLite: the JSON text as it is.
        """
        return f"convert_to(CAST({value} AS TEXT), 'UTF8')" if self.postgres else value

    def literal(self, text: str) -> str:
        """A string constant (only names from the schema reach here, never user input)."""
        return "'" + text.replace("'", "''") + "'"

    def json_object(self, pairs: Sequence[tuple[str, str]]) -> str:
        """A JSON object from (key, SQL value) pairs, keys in order."""
        function = "json_build_object" if self.postgres else "json_object"
        body = ", ".join(f"{self.literal(key)}, {value}" for key, value in pairs)
        return f"{function}({body})"

    def embed(self, subquery: str, *, many: bool) -> str:
        """A scalar subquery that yields JSON (or NULL), as a value of an enclosing object."""
        # SQLite (3.40, measured) keeps the JSON subtype of an aggregate subquery's result, not
        # of a sorted one (an object picked by ORDER BY … LIMIT 1); json() costs parser stack.
        return f"({subquery})" if self.postgres or many else f"json(({subquery}))"

    def json_array(self, element: str, source: str, order: str) -> str:
        """SELECT: the JSON array of ``element`` over ``source`` (FROM … WHERE …), ordered."""
        if self.postgres:
            return f"SELECT coalesce(json_agg({element} ORDER BY {order}), '[]'::json) {source}"
        # SQLite (3.40) has no ORDER BY inside an aggregate; it aggregates in the
        # subquery's order.
        return (
            f"SELECT json_group_array(json(q.j)) "
            f"FROM (SELECT {element} AS j {source} ORDER BY {order}) AS q"
        )

    def boolean(self, column: str) -> str:
        """A boolean column as JSON ``true``/``false`` (SQLite stores 0/1)."""
        if self.postgres:
            return column
        return (
            f"CASE WHEN {column} IS NULL THEN NULL "
            f"WHEN {column} THEN json('true') ELSE json('false') END"
        )

    def json_column(self, column: str) -> str:
        """A column holding JSON (SQLAlchemy ``JSON``), embedded as JSON."""
        return column if self.postgres else f"json({column})"

    def timestamp(self, column: str) -> str:
        """A UTC timestamp as Python's ``isoformat()`` writes it (no fraction when zero)."""
        if self.postgres:
            utc = f"({column} AT TIME ZONE 'UTC')"
            return (
                f"CASE WHEN {column} IS NULL THEN NULL ELSE "
                f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
                f"extract(microseconds FROM {utc})::bigint % 1000000 = 0 THEN '' ELSE "
                f"to_char({utc}, '.US') END || '+00:00' END"
            )
        # SQLAlchemy stores "YYYY-MM-DD HH:MM:SS.ffffff" (naive UTC) on SQLite.
        return (
            f"CASE WHEN {column} IS NULL THEN NULL ELSE substr({column}, 1, 10) || 'T' || "
            f"CASE WHEN substr({column}, 21, 6) IN ('', '000000') THEN substr({column}, 12, 8) "
            f"ELSE substr({column}, 12, 15) END || '+00:00' END"
        )

    def binary(self, column: str) -> str:
        """``column`` ordered byte by byte (see service.catalogue.id_sets.binary_order)."""
        return f'{column} COLLATE "C"' if self.postgres else column

    def base64url(self, text: str) -> str:
        """``text`` as URL-safe base64 without padding (``pagination.encode_opaque``'s form).

        SQLite has no base64: its connections get ``base64url`` as a function of their own
        (``service.db.engine``, decision 0215). PostgreSQL's ``encode`` breaks lines every 76
        characters: the breaks are dropped with ``+`` and ``/`` translated."""
        if self.postgres:
            return (
                f"rtrim(translate(encode(convert_to({text}, 'UTF8'), 'base64'), "
                f"'+/' || chr(10), '-_'), '=')"
            )
        return f"base64url({text})"

    def json_string(self, value: str) -> str:
        """SQL text: ``value`` as a JSON string, as ``json.dumps(value, ensure_ascii=False)``
        writes it (quotes, backslashes and control characters escaped; ``null`` for NULL)."""
        if self.postgres:
            return f"coalesce(CAST(to_json(CAST({value} AS TEXT)) AS TEXT), 'null')"
        return f"json_quote(CAST({value} AS TEXT))"

    def json_integer(self, value: str) -> str:
        """SQL text: the integer ``value`` as JSON writes it (``null`` for NULL)."""
        return f"coalesce(CAST({value} AS TEXT), 'null')"

    def param(self, name: str, sql_type: str) -> str:
        """A bound parameter with its type spelled out (asyncpg infers types from casts)."""
        return f"CAST(:{name} AS {sql_type})"

    @property
    def json_type(self) -> str:
        """The type a JSON parameter is cast to."""
        return "json" if self.postgres else "TEXT"

    def in_list(self, column: str, values: str) -> str:
        """``column`` is one of the strings of ``values``, a JSON array parameter.

        On PostgreSQL ``= ANY`` of the array, computed once (an init plan): an index on
        ``column`` answers it, where ``IN (SELECT …)`` beside ``NOT $n OR`` stayed a filter
        applied to every row of a sequential scan (the subquery is not pulled up inside OR).
        """
        if self.postgres:
            return f"{column} = ANY(ARRAY(SELECT json_array_elements_text({values})))"
        return f"{column} IN (SELECT value FROM json_each({values}))"

    def true(self) -> str:
        return "true" if self.postgres else "1"

    def all_of(self, conditions: Sequence[str]) -> str:
        """SQL: every one of ``conditions`` holds (true when there are none)."""
        if not conditions:
            return self.true()
        return "(" + " AND ".join(conditions) + ")"

    def names_where_null(self, named: Sequence[tuple[str, str]]) -> str:
        """The JSON array of the names (schema names) whose SQL value is NULL, in order; each
        value is computed once."""
        if not named:
            return self.empty_array()
        items = " || ".join(
            f"coalesce(CASE WHEN {value} IS NULL THEN {self.literal(_quoted(name))} END, '')"
            for name, value in named
        )
        array = f"'[' || substr({items}, 2) || ']'"
        return f"CAST({array} AS json)" if self.postgres else f"json({array})"

    def empty_array(self) -> str:
        """An empty JSON array."""
        return "json_build_array()" if self.postgres else "json_array()"

    def concat(self, *parts: str) -> str:
        """Text concatenation (integers are written in decimal on both backends)."""
        return " || ".join(f"CAST({part} AS TEXT)" for part in parts)

    def elements(self, column: str, alias: str) -> str:
        """A FROM item: the elements of the JSON array ``column``, as ``alias.value`` (JSON)
        in the order of ``alias.key``."""
        if self.postgres:
            return f"json_array_elements({column}) WITH ORDINALITY AS {alias}(value, key)"
        return f"json_each({column}) AS {alias}"

    def member_text(self, value: str, key: str) -> str:
        """The text member ``key`` of the JSON object ``value``."""
        if self.postgres:
            return f"({value} ->> {self.literal(key)})"
        return f"json_extract({value}, {self.literal('$.' + key)})"

    def members(self, column: str, alias: str) -> str:
        """A FROM item: the members of the JSON object ``column``, as ``alias.key`` and
        ``alias.value`` (a text value as SQL text), in the object's order."""
        if self.postgres:
            return f"json_each_text({column}) AS {alias}"
        return f"json_each({column}) AS {alias}"

    def has_member(self, value: str, key: str) -> str:
        """SQL: the JSON object ``value`` has the member named by the SQL text ``key``."""
        if self.postgres:
            return f"({value} -> {key}) IS NOT NULL"
        return f"json_type({value}, '$.' || {key}) IS NOT NULL"

    def integer_member(self, value: str, key: str) -> str:
        """The integer member of the JSON object ``value`` named by the SQL text ``key``."""
        if self.postgres:
            return f"CAST({value} ->> {key} AS INTEGER)"
        return f"json_extract({value}, '$.' || {key})"

    def member_integer(self, value: str, key: str) -> str:
        """The integer member ``key`` of the JSON object ``value``."""
        if self.postgres:
            return f"CAST({value} ->> {self.literal(key)} AS INTEGER)"
        return f"json_extract({value}, {self.literal('$.' + key)})"
