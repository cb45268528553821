"""The names of the facts read from partner pages, and how each one is keyed.

A school has one current value per ``(field, key)``. Single-valued fields (a description, an
address) use the empty key; multi-valued fields use what identifies one item of them, so that a
changed date is an update of the same deadline rather than a new one (see
``docs/decisions/0041-keys-of-multi-valued-facts.md``):

- ``deadline``: ``"<kind>/<semester>"`` (``application/autumn``, ``nomination/any``);
- ``language_requirement``: ``"<language>/<test>/<status>"`` (``fr/cefr/required``,
  ``en/toefl_ibt/required``);
- ``credits``: ``"semester"`` or ``"year"``;
- ``email`` and ``phone``: the address itself (lower case) and the E.164 number.

Each field's value is typed in ``service.catalogue.fact_values`` (decision 0140).
"""

from __future__ import annotations

import enum


class FactField(enum.StrEnum):
    """What a fact is about."""

    #: Facts about one page, used to check its identity; not stored per school.
    TITLE = "title"
    LANGUAGE = "language"
    CANONICAL_URL = "canonical_url"
    SAME_AS = "same_as"
    #: Facts about the school, stored with their provenance.
    NAME = "name"
    DESCRIPTION = "description"
    LOGO = "logo"
    ADDRESS = "address"
    EMAIL = "email"
    PHONE = "phone"
    DEADLINE = "deadline"
    LANGUAGE_REQUIREMENT = "language_requirement"
    CREDITS = "credits"
    DURATION = "duration"


#: Fields stored per school (the others describe a page, not a school).
STORED_FIELDS: frozenset[FactField] = frozenset(
    {
        FactField.NAME,
        FactField.DESCRIPTION,
        FactField.LOGO,
        FactField.ADDRESS,
        FactField.EMAIL,
        FactField.PHONE,
        FactField.DEADLINE,
        FactField.LANGUAGE_REQUIREMENT,
        FactField.CREDITS,
        FactField.DURATION,
    }
)

#: Fields the curated catalogue holds on ``School`` and an admin may override.
CURATED_FIELDS: tuple[str, ...] = ("name", "short_name", "city", "country_code", "website")

#: The ``school_override`` field recording that an admin retired a school (value
#: ``{"value": true}``): ``school.retired_at`` is the served state, this row is why it holds, and
#: the FAQ import does not restore such a school (docs/decisions/0076).
ADMIN_RETIREMENT_FIELD = "retired"
