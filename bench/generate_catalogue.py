"""Synthetic FAQ pages of any size, in the later revision format of the real page.

The benchmarks load these through the same code path as the real catalogue (the FAQ importer),
so a 10,000-school catalogue has the shapes the real one has: French country headings, link texts
packing acronym, city, country and programme, counts after the links, offers open to every track
and offers reserved to one, schools listed twice, parent institutions.

    python -m bench.generate_catalogue --schools 1000 --seed 7 > /tmp/faq-1000.md
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass

from service.countries import country_name

#: Countries the generated partners are spread over (ISO codes; names come from CLDR).
COUNTRIES = (
    "FR", "FI", "CA", "IT", "DE", "ES", "PT", "BE", "CH", "SE",
    "NO", "DK", "NL", "PL", "CZ", "AT", "IE", "GB", "US", "JP",
)  # fmt: skip

_SYLLABLES = ("ma", "ri", "sol", "ven", "tar", "lu", "den", "bor", "qui", "zel", "ka", "nor")
_FIELDS = (
    "Informatique",
    "Systèmes embarqués",
    "Science des données",
    "Génie logiciel",
    "Réseaux et télécommunications",
    "Intelligence artificielle",
    "Cybersécurité",
    "Signal, Image, Communication",
)
_KINDS = ("échanges", "Double diplôme")


@dataclass(frozen=True, slots=True)
class GeneratedSchool:
    acronym: str
    city: str
    country: str
    programmes: tuple[str, ...]
    domain: str
    parent: str | None


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts))


def generate_schools(
    count: int, seed: int, programmes_per_school: int = 2
) -> list[GeneratedSchool]:
    """``count`` schools with unique acronyms and domains, deterministically from ``seed``."""
    rng = random.Random(seed)
    schools = []
    for index in range(count):
        acronym = f"{_word(rng, 2).upper()}{index}"
        city = _word(rng, 3).capitalize()
        programmes = tuple(
            f"{rng.choice(('Filière', 'Cursus', 'Master'))} {field}"
            for field in rng.sample(_FIELDS, k=min(programmes_per_school, len(_FIELDS)))
        )
        schools.append(
            GeneratedSchool(
                acronym=acronym,
                city=city,
                country=COUNTRIES[index % len(COUNTRIES)],
                programmes=programmes,
                domain=f"{acronym.lower()}.example.edu",
                # A third of the schools belong to a group (as Phelma to Grenoble INP).
                parent=f"Groupe {_word(rng, 2).capitalize()} INP" if index % 3 == 0 else None,
            )
        )
    return schools


def _count_text(rng: random.Random) -> str:
    shape = rng.random()
    if shape < 0.15:
        return ""  # no count: unknown places
    if shape < 0.30:
        return f" : {rng.randint(1, 3)} Double diplôme + {rng.randint(1, 4)} échanges"
    if shape < 0.40:
        return f" : {rng.randint(1, 2)} Double diplôme ou échange"
    n = rng.randint(1, 5)
    return f" : {n} {rng.choice(_KINDS)}"


def render_faq(schools: list[GeneratedSchool], seed: int, academic_year: str = "2025/2026") -> str:
    """The markdown page (Hugo front matter, sections, nested lists) listing ``schools``."""
    rng = random.Random(seed + 1)
    lines = [
        "---",
        f'title: "Programmes de mobilité ({len(schools)} écoles, graine {seed})"',
        "date: 2025-09-01T10:00:00+01:00",
        'contributor: "bench.generate_catalogue"',
        "---",
        "",
        "## Pour qui ?",
        "",
        (
            "La sélection se fait sur la base des notes (S1 et S2) + la motivation. Pour le cas "
            "d'ISEM ils prennent aussi les notes du S3 en considération."
        ),
        "",
        "## Mobilités en commun :",
        "",
        f"Ecoles et Chiffres de l'année {academic_year} :",
        "",
    ]
    by_country: dict[str, list[GeneratedSchool]] = {}
    for school in schools:
        by_country.setdefault(school.country, []).append(school)
    for code in COUNTRIES:
        if code not in by_country:
            continue
        lines.append(f"* {country_name(code, 'fr')}")
        for school in by_country[code]:
            parent = f", {school.parent}" if school.parent else ""
            for programme in school.programmes:
                text = (
                    f"{school.acronym}{parent}, {school.city}, {country_name(code, 'fr')}, "
                    f"{programme}"
                )
                url = f"https://www.{school.domain}/international/{rng.randint(1, 999)}"
                lines.append(f"    * [{text}]({url}){_count_text(rng)}")
        lines.append("")
    lines += ["## Mobilités fléchées :", ""]
    for track in ("IEL", "ISEM"):
        lines.append(f"* Filière {track} :")
        for school in rng.sample(schools, k=max(1, len(schools) // 20)):
            text = f"{school.acronym}, {school.city}, {country_name(school.country, 'fr')}"
            lines.append(f"    * [{text}](https://www.{school.domain}/){_count_text(rng)}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--programmes", type=int, default=2)
    args = parser.parse_args(argv)
    schools = generate_schools(args.schools, args.seed, args.programmes)
    sys.stdout.write(render_faq(schools, args.seed))


if __name__ == "__main__":
    main()
