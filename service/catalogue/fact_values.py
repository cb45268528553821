"""The typed value of each kind of fact, shared by extraction, reconciliation, storage and the API.

Extractors build these values, reconciliation compares and stores them, the catalogue loads them
back and the GraphQL types read their attributes: no module reads a fact by string keys but this
one. A value is stored as the JSON object it has always been stored as (``to_json``; shapes in
``service.catalogue.fields``, decision 0041), so rows written before these types still load.
Reading is lenient (``read_value``): a part that is missing or of another shape (an override
written by hand) is ``None`` and the other parts are still read; what a multi-valued fact's key
names (a deadline's kind and semester, a requirement's language and status) comes from the key
when the object does not say it (``docs/decisions/0140-typed-fact-values.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Self

from service.catalogue.fields import FactField

JsonScalar = str | int | float | bool | None
#: A value as stored in ``school_fact.value`` (and overrides, and the change history).
JsonObject = dict[str, JsonScalar | list[str]]

#: Values less confident than this are served with their confidence and flagged for review.
REVIEW_THRESHOLD = 0.8


def needs_review(confidence: float | None) -> bool:
    """Whether a value of this confidence is flagged for review (``None``: not scraped, no)."""
    return confidence is not None and confidence < REVIEW_THRESHOLD


def _text(data: Mapping[str, object], name: str) -> str | None:
    found = data.get(name)
    return found if isinstance(found, str) and found else None


def _int(data: Mapping[str, object], name: str) -> int | None:
    found = data.get(name)
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def _number(data: Mapping[str, object], name: str) -> int | float | None:
    found = data.get(name)
    return found if isinstance(found, int | float) and not isinstance(found, bool) else None


def _key_part(key: str, index: int) -> str | None:
    """Part ``index`` of a multi-valued fact's key (``application/autumn``): what the item is."""
    parts = key.split("/")
    return parts[index] if index < len(parts) and parts[index] else None


@dataclass(frozen=True, slots=True)
class Deadline:
    """A date by which something (``application``, ``nomination``) must reach the partner.

    ``semester`` is ``autumn``, ``spring`` or ``year``, ``None`` for any semester; dates are
    ISO 8601, ``--04-15`` when the page gives no year; ``opens`` starts the period it closes.
    """

    kind: str | None
    semester: str | None
    date: str | None
    opens: str | None = None

    def to_json(self) -> JsonObject:
        return {
            "kind": self.kind,
            "semester": self.semester,
            "date": self.date,
            "opens": self.opens,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object], key: str = "") -> Deadline:
        semester = _text(data, "semester") or _key_part(key, 1)
        return cls(
            kind=_text(data, "kind") or _key_part(key, 0),
            semester=None if semester == "any" else semester,
            date=_text(data, "date"),
            opens=_text(data, "opens"),
        )


@dataclass(frozen=True, slots=True)
class LanguageRequirement:
    """A CEFR ``level`` (``B2``) or a ``test`` score (``TOEFL iBT`` 80) in one language.

    ``required``: ``True`` required, ``False`` only recommended, ``None`` the page does not say.
    """

    language: str | None
    level: str | None = None
    test: str | None = None
    score: int | float | None = None
    required: bool | None = None

    def to_json(self) -> JsonObject:
        return {
            "language": self.language,
            "level": self.level,
            "test": self.test,
            "score": self.score,
            "required": self.required,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object], key: str = "") -> LanguageRequirement:
        required = data.get("required")
        if not isinstance(required, bool):
            status = _text(data, "status") or _key_part(key, 2) or ""
            required = {"required": True, "recommended": False}.get(status)
        return cls(
            language=_text(data, "language") or _key_part(key, 0),
            level=_text(data, "level"),
            test=_text(data, "test"),
            score=_number(data, "score"),
            required=required,
        )


@dataclass(frozen=True, slots=True)
class Credits:
    """ECTS credits to take ``per`` ``semester`` or ``year``: the bounds the page states."""

    per: str | None
    minimum: int | None = None
    maximum: int | None = None
    typical: int | None = None

    def to_json(self) -> JsonObject:
        return {"per": self.per, "min": self.minimum, "max": self.maximum, "typical": self.typical}

    @classmethod
    def from_json(cls, data: Mapping[str, object], key: str = "") -> Credits:
        return cls(
            per=_text(data, "per") or key or None,
            minimum=_int(data, "min"),
            maximum=_int(data, "max"),
            typical=_int(data, "typical"),
        )


@dataclass(frozen=True, slots=True)
class Duration:
    """The lengths of stay offered: ``semester``, ``year``, sorted."""

    options: tuple[str, ...]

    def to_json(self) -> JsonObject:
        return {"options": list(self.options)}

    @classmethod
    def from_json(cls, data: Mapping[str, object], key: str = "") -> Duration:
        options = data.get("options")
        texts = [o for o in options if isinstance(o, str)] if isinstance(options, list) else []
        return cls(options=tuple(texts))


@dataclass(frozen=True, slots=True)
class EmailContact:
    """An e-mail address (lower case) and what the page calls it, when it does."""

    email: str | None
    label: str | None = None

    def to_json(self) -> JsonObject:
        return {"email": self.email, "label": self.label}

    @classmethod
    def from_json(cls, data: Mapping[str, object], key: str = "") -> EmailContact:
        return cls(email=_text(data, "email") or key or None, label=_text(data, "label"))


@dataclass(frozen=True, slots=True)
class PhoneContact:
    """A telephone number in E.164 form and what the page calls it, when it does."""

    phone: str | None
    label: str | None = None

    def to_json(self) -> JsonObject:
        return {"phone": self.phone, "label": self.label}

    @classmethod
    def from_json(cls, data: Mapping[str, object], key: str = "") -> PhoneContact:
        return cls(phone=_text(data, "phone") or key or None, label=_text(data, "label"))


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address; ``country`` as the page writes it, ``country_code`` its ISO code."""

    street: str | None = None
    postal_code: str | None = None
    locality: str | None = None
    country_code: str | None = None
    country: str | None = None

    def to_json(self) -> JsonObject:
        return {
            "street": self.street,
            "postal_code": self.postal_code,
            "locality": self.locality,
            "country_code": self.country_code,
            "country": self.country,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object], key: str = "") -> Address:
        return cls(
            street=_text(data, "street"),
            postal_code=_text(data, "postal_code"),
            locality=_text(data, "locality"),
            country_code=_text(data, "country_code"),
            country=_text(data, "country"),
        )


class _OneText:
    """A value of one text part, stored as ``{part: text}``: ``part`` is the subclass's one field.

    The four kinds below differ only in what their part is called; this is their one reading
    and writing of it.
    """

    __slots__ = ()
    _part: ClassVar[str]

    if TYPE_CHECKING:

        def __init__(self, value: str | None, /) -> None: ...

    def to_json(self) -> JsonObject:
        return {self._part: getattr(self, self._part)}

    @classmethod
    def from_json(cls, data: Mapping[str, object], key: str = "") -> Self:
        return cls(_text(data, cls._part))


@dataclass(frozen=True, slots=True)
class PageText(_OneText):
    """A text: a page's title, a school's description."""

    _part: ClassVar[str] = "text"
    text: str | None


@dataclass(frozen=True, slots=True)
class Name(_OneText):
    """A school's name as its pages give it."""

    _part: ClassVar[str] = "name"
    name: str | None


@dataclass(frozen=True, slots=True)
class Link(_OneText):
    """An address: a logo, a page's canonical URL, a profile the organisation is also."""

    _part: ClassVar[str] = "url"
    url: str | None


@dataclass(frozen=True, slots=True)
class PageLanguage(_OneText):
    """The language a page is written in (ISO 639 code)."""

    _part: ClassVar[str] = "code"
    code: str | None


@dataclass(frozen=True, slots=True)
class CuratedText:
    """A curated field of a school (name, city, website, …), as served or overridden."""

    value: str | None

    def to_json(self) -> JsonObject:
        return {"value": self.value}

    @classmethod
    def from_json(cls, data: Mapping[str, object], key: str = "") -> CuratedText:
        found = data.get("value")
        return cls(value=None if found is None or isinstance(found, bool) else str(found))


FactValue = (
    Deadline
    | LanguageRequirement
    | Credits
    | Duration
    | EmailContact
    | PhoneContact
    | Address
    | PageText
    | Name
    | Link
    | PageLanguage
    | CuratedText
)

_READERS: Mapping[FactField, Callable[[Mapping[str, object], str], FactValue]] = {
    FactField.TITLE: PageText.from_json,
    FactField.DESCRIPTION: PageText.from_json,
    FactField.LANGUAGE: PageLanguage.from_json,
    FactField.CANONICAL_URL: Link.from_json,
    FactField.SAME_AS: Link.from_json,
    FactField.LOGO: Link.from_json,
    FactField.NAME: Name.from_json,
    FactField.ADDRESS: Address.from_json,
    FactField.EMAIL: EmailContact.from_json,
    FactField.PHONE: PhoneContact.from_json,
    FactField.DEADLINE: Deadline.from_json,
    FactField.LANGUAGE_REQUIREMENT: LanguageRequirement.from_json,
    FactField.CREDITS: Credits.from_json,
    FactField.DURATION: Duration.from_json,
}


def read_value(field: FactField, key: str, data: Mapping[str, object]) -> FactValue:
    """The typed value of a stored JSON object of ``field`` under ``key``, read leniently."""
    return _READERS[field](data, key)


def read_stored(field: str, key: str, data: Mapping[str, object]) -> FactValue | None:
    """``read_value`` for a row's field name; ``None`` for a name that is not a fact field."""
    try:
        known = FactField(field)
    except ValueError:
        return None
    return read_value(known, key, data)
