# ruff: noqa: E501 (the pages' list items are single markdown lines, as the page writes them)
"""FAQ pages written for the tests, in the format of the page's later revisions.

The seed (the 2019/2020 revision) ships with the package; these pages add what later revisions
bring: counts after each item (some wrapped over two lines), a ``Mobilités fléchées`` section
with ``Filière IEL :`` / ``Filière ISEM :`` sub-lists, the same school in both sections, Mines
Saint-Étienne twice (two cursus, one on the Gardanne campus), and the regressions a hand-kept
page goes through ("Coming soon", every count dropped).
"""

from __future__ import annotations

import re

FRONT_MATTER = """---
title: "Programmes de mobilité et de double-diplômation"
date: {date}
tags: ["faq"]
contributor: "{contributor}"
draft: false
---

"""

RULES = """## Pour qui ?

La sélection pour les programmes de mobilité et de double-diplômation se fait sur la base de \
l'excellence des notes (S1 et S2) + la motivation à poursuivre ses études à l'étranger. Pour le \
cas d'ISEM ils prennent aussi les notes du S3 en considération.

"""

OPEN_2021 = """## Mobilités en commun :

Ecoles et Chiffres de l'année 2020/2021 :

* Finlande
    * [Aalto University, Finlande, Master of Science in Technology](https://www.aalto.fi/en) : 3 échanges

* Canada
    * [Université de Sherbrooke - Canada](https://www.usherbrooke.ca/international/fr/etudiants-internationaux/) : 2 Double diplôme
      + 1 échange

* France
    * [Phelma, Grenoble INP, France, Filière Signal, Image, Communication, Multimédia (SICOM) - commune avec Grenoble INP - Ense3](https://phelma.grenoble-inp.fr/fr/formation/sicom) : 1 Double diplôme ou échange

    * [Ense3, Grenoble INP, France, Filière Signal, Image, Communication, Multimédia (SICOM) - commune avec Grenoble INP - Phelma](https://ense3.grenoble-inp.fr/fr/formation/sicom) : 1 Double diplôme ou échange

    * [ENSIIE, France](https://www.ensiie.fr/missions/venir/) : 2 échanges

    * [Ecole des Mines Saint-Etienne, France, Cursus ICM](https://www.mines-stetienne.fr) : 2 Double
      diplôme

    * [Ecole des Mines Saint-Etienne, Gardanne, France , Cursus ISMIN, Parcours Embedded Systems](https://www.mines-stetienne.fr/formation/ismin/) : 1 echange

    * [ENSIM : Ecole Nationale d'Ingénieurs du Mans, France](https://ensim.univ-lemans.fr/fr/international.html)

"""

RESERVED_2021 = """## Mobilités fléchées :

* Filière IEL :
    * France
        * [ENSIIE, France](https://www.ensiie.fr/missions/venir/) : 1 Double diplôme
        * [EILCO : École d'ingénieur de l'Université de Côte d'Opale, CALAIS, France](https://www.eilco-ulco.fr/international/) : 2 Double diplôme +
          2 échanges

* Filière ISEM :
    * Italie
        * [University of Calabria - Italy](https://www.unical.it/portale/international/francese/) : 1 échange
"""


def faq_page(
    *sections: str, date: str = "2021-03-02T09:15:00+01:00", contributor: str = "Salma Bennani"
) -> str:
    """A page with front matter and the given sections, in order."""
    return FRONT_MATTER.format(date=date, contributor=contributor) + "".join(sections)


#: The later revision: counts everywhere, both sections.
REVISION_2021 = faq_page(RULES, OPEN_2021, RESERVED_2021)

#: The same year a few weeks later: Aalto goes from 3 to 4 places, ENSIM is gone, Politecnico
#: di Milano is new.
REVISION_2021_UPDATED = faq_page(
    RULES,
    OPEN_2021.replace(": 3 échanges", ": 4 échanges")
    .replace(
        "    * [ENSIM : Ecole Nationale d'Ingénieurs du Mans, France]"
        "(https://ensim.univ-lemans.fr/fr/international.html)\n",
        "",
    )
    .replace(
        "* France\n",
        "* Italie\n    * [Politecnico di Milano, Italie](https://www.polimi.it/en/international)"
        " : 2 échanges\n\n* France\n",
    ),
    RESERVED_2021,
    date="2021-04-15T10:00:00+01:00",
)

#: A revision emptied while being rewritten.
COMING_SOON = faq_page(RULES, "## Mobilités en commun :\n\nComing soon\n", date="2021-09-01")


def drop_counts(page: str) -> str:
    """The page with every count after the links removed (wrapped lines included)."""
    return "\n".join(
        line.split(") :", 1)[0] + ")" if ") :" in line else line
        for line in page.splitlines()
        if not re.fullmatch(r" +(\+ ?)?\d* ?(échanges?|diplôme)", line)
    )
