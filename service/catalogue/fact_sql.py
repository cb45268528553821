"""A stored fact's JSON read in SQL, with the leniency of ``service.catalogue.fact_values``.

``fact_values`` reads a value in Python (``from_json``); the SQL that decides what the student
filters keep (``service.catalogue.offer_requirements``) and the compiled ``School.info``
(``service.graphql.compiler.info``) read the same parts of the same JSON in the database. The
rules are the Python ones: a text part is a non-empty JSON string, an integer part a JSON
integer (not a boolean), a number part an integer or a float, a boolean part a JSON boolean;
anything else is NULL. What a multi-valued fact's key names (``application/autumn``) fills what
the object does not say (decision 0140). Both backends: ``postgres`` (``json``) or SQLite (JSON
text). Only names from this code reach the SQL text, never user input.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FactSql:
    """SQL expressions over a stored fact value (``value``: JSON) and its ``key`` (text)."""

    postgres: bool

    def _type(self, value: str, name: str) -> str:
        if self.postgres:
            return f"json_typeof({value} -> '{name}')"
        return f"json_type({value}, '$.{name}')"

    def _raw(self, value: str, name: str) -> str:
        if self.postgres:
            return f"({value} ->> '{name}')"
        return f"json_extract({value}, '$.{name}')"

    def text(self, value: str, name: str) -> str:
        """The part ``name`` when it is a non-empty string, else NULL (``fact_values._text``)."""
        kind = "'string'" if self.postgres else "'text'"
        return (
            f"(CASE WHEN {self._type(value, name)} = {kind} "
            f"THEN NULLIF({self._raw(value, name)}, '') END)"
        )

    def _typed(self, value: str, name: str, kinds: str, sql_type: str) -> str:
        """The part ``name`` cast to ``sql_type`` when its JSON type is one of ``kinds``."""
        return (
            f"(CASE WHEN {self._type(value, name)} IN ({kinds}) "
            f"THEN CAST({self._raw(value, name)} AS {sql_type}) END)"
        )

    def integer(self, value: str, name: str) -> str:
        """The part ``name`` when it is a JSON integer, else NULL (``fact_values._int``)."""
        if self.postgres:
            raw = self._raw(value, name)
            return (
                f"(CASE WHEN {self._type(value, name)} = 'number' AND {raw} ~ '^-?[0-9]+$' "
                f"THEN CAST({raw} AS BIGINT) END)"
            )
        return self._typed(value, name, "'integer'", "INTEGER")

    def number(self, value: str, name: str) -> str:
        """The part ``name`` when it is a JSON number, as a float, else NULL (``_number``)."""
        if self.postgres:
            return self._typed(value, name, "'number'", "DOUBLE PRECISION")
        return self._typed(value, name, "'integer', 'real'", "REAL")

    def boolean(self, value: str, name: str) -> str:
        """The part ``name`` when it is a JSON boolean (true/false; SQLite: 1/0), else NULL."""
        if self.postgres:
            return self._typed(value, name, "'boolean'", "BOOLEAN")
        return f"(CASE {self._type(value, name)} WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)"

    def key_part(self, key: str, index: int) -> str:
        """Part ``index`` of ``key`` split on ``/`` when non-empty, else NULL (``_key_part``)."""
        if self.postgres:
            return f"NULLIF(split_part({key}, '/', {index + 1}), '')"
        for _ in range(index):
            cut = f"instr({key}, '/')"
            key = f"(CASE WHEN {cut} > 0 THEN substr({key}, {cut} + 1) END)"
        cut = f"instr({key}, '/')"
        head = f"(CASE WHEN {cut} > 0 THEN substr({key}, 1, {cut} - 1) ELSE {key} END)"
        return f"NULLIF({head}, '')"

    def strings(self, value: str, name: str, alias: str) -> str:
        """A FROM item: the string elements of the JSON array part ``name``, as ``alias.value``
        (text) in the order of ``alias.key`` (none when the part is not an array)."""
        if self.postgres:
            return (
                f"(SELECT e.value #>> '{{}}' AS value, e.key FROM json_array_elements("
                f"CASE WHEN {self._type(value, name)} = 'array' THEN {value} -> '{name}' "
                f"ELSE '[]'::json END) WITH ORDINALITY AS e(value, key) "
                f"WHERE json_typeof(e.value) = 'string') AS {alias}"
            )
        return (
            f"(SELECT e.value AS value, e.key AS key FROM json_each(CASE WHEN "
            f"{self._type(value, name)} = 'array' THEN json_extract({value}, '$.{name}') "
            f"ELSE '[]' END) AS e WHERE e.type = 'text') AS {alias}"
        )
