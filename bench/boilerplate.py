"""A library of boilerplate blocks, in French, English and Italian, that hold no fact of a page.

Written for ``bench.markup_transforms`` (issue 12's "a page of boilerplate alone yields zero
facts"): what a university CMS puts around every page, each block full of the words and dates
that mislead a cue reader (an application call of another programme, a housing deadline, an
open day, a newsletter's next issue, French courses "from A1 to C1", a master's "120 ECTS", the
institution's general address). The markup is what themes write: some blocks in semantic
elements, most in plain ``<div>``\\ s with their theme's class names.

- :func:`top_of_page`: a cookie banner, a mega menu (no ``<nav>``);
- :func:`before_content`: a news teaser with its own dates;
- :func:`after_content`: an events agenda, a related-links box, a newsletter sign-up, the
  site's footer with the general address (and its e-mail address, when asked);
- :func:`boilerplate_page`: a page of these blocks alone.
"""

from __future__ import annotations

from lxml import etree

Element = etree._Element

_COOKIE = {
    "fr": """<div class="privacy-bar" id="privacy-bar"><p>Ce site utilise des traceurs pour
mesurer l'audience et améliorer votre expérience. Votre choix est conservé 13 mois, jusqu'au
1<sup>er</sup> janvier 2028 ; vous pouvez le modifier à tout moment.</p><p><button>Tout
accepter</button> <button>Tout refuser</button> <a href="/donnees-personnelles">Personnaliser</a>
</p></div>""",
    "en": """<div class="privacy-bar" id="privacy-bar"><p>We use trackers to measure audience and
improve your experience. Your choice is stored for 13 months, until 1 January 2028, and can be
changed at any time.</p><p><button>Accept all</button> <button>Reject all</button>
<a href="/privacy">Settings</a></p></div>""",
    "it": """<div class="privacy-bar" id="privacy-bar"><p>Questo sito utilizza strumenti di
tracciamento per misurare il traffico e migliorare la navigazione. La scelta è conservata per
13 mesi, fino al 1° gennaio 2028, e si può modificare in ogni momento.</p><p><button>Accetta
tutto</button> <button>Rifiuta</button> <a href="/privacy">Preferenze</a></p></div>""",
}

_MEGA_MENU = {
    "fr": """<div class="mega-wrap"><ul class="level-1"><li><a href="/formation">Formation</a>
<div class="panel"><ul><li><a href="/formation/ingenieur">Cycle ingénieur (180 ECTS)</a></li>
<li><a href="/formation/master">Masters en anglais (120 ECTS)</a></li><li><a
href="/formation/doctorat">Doctorat</a></li></ul></div></li><li><a href="/admissions">Admissions
</a><div class="panel"><ul><li><a href="/admissions/concours">Concours : inscriptions jusqu'au
10 janvier 2027</a></li><li><a href="/admissions/titres">Admission sur titre : candidatures du
1er février au 31 mars 2027</a></li></ul></div></li><li><a href="/international">International
</a><div class="panel"><ul><li><a href="/international/partir">Partir un semestre ou un an</a>
</li><li><a href="/international/fle">Cours de français langue étrangère, niveaux A1 à C1</a>
</li></ul></div></li><li><a href="/recherche">Recherche</a></li></ul></div>""",
    "en": """<div class="mega-wrap"><ul class="level-1"><li><a href="/study">Study</a><div
class="panel"><ul><li><a href="/study/bachelor">Bachelor's programmes (180 ECTS)</a></li><li><a
href="/study/master">Master's programmes (120 ECTS)</a></li><li><a href="/study/phd">Doctoral
studies</a></li></ul></div></li><li><a href="/admissions">Admissions</a><div class="panel"><ul>
<li><a href="/admissions/master">Master's admissions: apply by 15 January 2027</a></li><li><a
href="/admissions/scholarships">Scholarships: application deadline 1 March 2027</a></li></ul>
</div></li><li><a href="/international">International</a><div class="panel"><ul><li><a
href="/international/outgoing">Go abroad for a semester or a year</a></li><li><a
href="/international/language-centre">Language courses, levels A1 to C1</a></li></ul></div></li>
<li><a href="/research">Research</a></li></ul></div>""",
    "it": """<div class="mega-wrap"><ul class="level-1"><li><a href="/didattica">Didattica</a>
<div class="panel"><ul><li><a href="/didattica/triennali">Lauree triennali (180 CFU)</a></li><li>
<a href="/didattica/magistrali">Lauree magistrali (120 CFU)</a></li><li><a
href="/didattica/dottorato">Dottorato</a></li></ul></div></li><li><a
href="/iscrizioni">Iscrizioni</a><div class="panel"><ul><li><a href="/iscrizioni/test">Test di
ammissione: iscrizioni entro il 10 gennaio 2027</a></li><li><a href="/iscrizioni/borse">Borse di
studio: domande entro il 1° marzo 2027</a></li></ul></div></li><li><a
href="/internazionale">Internazionale</a><div class="panel"><ul><li><a
href="/internazionale/outgoing">Partire per un semestre o un anno</a></li><li><a
href="/internazionale/cla">Corsi di lingua, livelli da A1 a C1</a></li></ul></div></li><li><a
href="/ricerca">Ricerca</a></li></ul></div>""",
}

_NEWS = {
    "fr": """<div class="block-feed"><h2>À la une</h2><div class="card"><p class="card-meta">
12/01/2027</p><h3><a href="/actu/ete">Université d'été : candidatures ouvertes jusqu'au 15 février
2027</a></h3><p>Trois semaines de cours intensifs en juillet, niveau B1 en anglais demandé.</p>
</div><div class="card"><p class="card-meta">05/01/2027</p><h3><a href="/actu/bourses">Bourses de
mobilité sortante : date limite de dépôt le 28 février 2027</a></h3><p>Pour un semestre ou une
année à l'étranger, jusqu'à 30 ECTS reconnus.</p></div><p><a href="/actualites">Toutes les
actualités</a></p></div>""",
    "en": """<div class="block-feed"><h2>Latest news</h2><div class="card"><p class="card-meta">
12/01/2027</p><h3><a href="/news/summer">Summer school: applications open until 15 February
2027</a></h3><p>Three weeks of intensive courses in July; English at level B1 required.</p>
</div><div class="card"><p class="card-meta">05/01/2027</p><h3><a href="/news/grants">Outgoing
mobility grants: deadline 28 February 2027</a></h3><p>For a semester or a year abroad, up to 30
ECTS recognised.</p></div><p><a href="/news">All news</a></p></div>""",
    "it": """<div class="block-feed"><h2>In evidenza</h2><div class="card"><p class="card-meta">
12/01/2027</p><h3><a href="/notizie/estate">Summer school: candidature aperte fino al 15 febbraio
2027</a></h3><p>Tre settimane di corsi intensivi a luglio, richiesto l'inglese di livello B1.</p>
</div><div class="card"><p class="card-meta">05/01/2027</p><h3><a href="/notizie/borse">Borse di
mobilità in uscita: scadenza 28 febbraio 2027</a></h3><p>Per un semestre o un anno all'estero,
fino a 30 CFU riconosciuti.</p></div><p><a href="/notizie">Tutte le notizie</a></p></div>""",
}

_AGENDA = {
    "fr": """<div class="block-agenda"><h2>Agenda</h2><ul><li><p class="when">4 mars 2027</p><p><a
href="/agenda/jpo">Journée portes ouvertes : inscription avant le 1er mars 2027</a></p></li><li>
<p class="when">20 mars 2027</p><p><a href="/agenda/forum">Forum des mobilités : rencontrez les
étudiants partis un semestre ou un an</a></p></li></ul></div>""",
    "en": """<div class="block-agenda"><h2>Events</h2><ul><li><p class="when">4 March 2027</p><p><a
href="/events/open-day">Open day: register by 1 March 2027</a></p></li><li><p class="when">20
March 2027</p><p><a href="/events/fair">Mobility fair: meet students back from a semester or a
year abroad</a></p></li></ul></div>""",
    "it": """<div class="block-agenda"><h2>Eventi</h2><ul><li><p class="when">4 marzo 2027</p><p><a
href="/eventi/open-day">Open day: iscrizioni entro il 1° marzo 2027</a></p></li><li><p
class="when">20 marzo 2027</p><p><a href="/eventi/fiera">Fiera della mobilità: incontra gli
studenti tornati da un semestre o un anno all'estero</a></p></li></ul></div>""",
}

_RELATED = {
    "fr": """<div class="box-more"><h3>Voir aussi</h3><ul><li><a href="/logement">Logement : demande
de chambre avant le 30 juin 2027</a></li><li><a href="/fle">Cours de français pour étudiants
étrangers, du niveau A1 au niveau C1</a></li><li><a href="/doubles-diplomes">Doubles diplômes
(120 ECTS sur deux ans)</a></li></ul></div>""",
    "en": """<div class="box-more"><h3>See also</h3><ul><li><a href="/housing">Housing: apply for a
room by 30 June 2027</a></li><li><a href="/language-centre">English courses for international
students, from level A1 to C1</a></li><li><a href="/double-degrees">Double degrees (120 ECTS over
two years)</a></li></ul></div>""",
    "it": """<div class="box-more"><h3>Vedi anche</h3><ul><li><a href="/alloggi">Alloggi: domanda
entro il 30 giugno 2027</a></li><li><a href="/cla">Corsi di italiano per studenti stranieri, dal
livello A1 al C1</a></li><li><a href="/doppi-titoli">Doppi titoli (120 CFU in due anni)</a></li>
</ul></div>""",
}

_NEWSLETTER = {
    "fr": """<div class="box-letter"><h3>Lettre d'information</h3><p>Recevez chaque mois les
actualités de l'école. Prochaine lettre le 15 janvier 2027.</p><p><input type="email"
placeholder="prenom.nom@exemple.fr"> <button>Je m'inscris</button></p></div>""",
    "en": """<div class="box-letter"><h3>Newsletter</h3><p>Get the university's news every month.
Next issue on 15 January 2027.</p><p><input type="email" placeholder="name@example.com">
<button>Subscribe</button></p></div>""",
    "it": """<div class="box-letter"><h3>Newsletter</h3><p>Ricevi ogni mese le notizie
dell'ateneo. Prossimo numero il 15 gennaio 2027.</p><p><input type="email"
placeholder="nome.cognome@esempio.it"> <button>Iscriviti</button></p></div>""",
}

_FOOTER = {
    "fr": """<footer class="site-foot"><div class="foot-cols"><div><p><strong>{name}</strong></p>
<p>1 avenue de l'Université, 38000 Grenoble, France</p><p>Standard : +33 4 76 00 00 01</p>
{email}</div><div><ul><li><a href="/mentions-legales">Mentions légales</a></li><li><a
href="/accessibilite">Accessibilité</a></li><li><a href="/plan">Plan du site</a></li></ul></div>
</div><p>© 2027 {name} &ndash; page mise à jour le 3 décembre 2026</p></footer>""",
    "en": """<footer class="site-foot"><div class="foot-cols"><div><p><strong>{name}</strong></p>
<p>1 University Road, Springfield</p><p>Switchboard: +44 20 7946 0001</p>{email}</div><div><ul>
<li><a href="/legal">Legal notice</a></li><li><a href="/accessibility">Accessibility</a></li>
<li><a href="/sitemap">Sitemap</a></li></ul></div></div><p>© 2027 {name} &ndash; page updated on
3 December 2026</p></footer>""",
    "it": """<footer class="site-foot"><div class="foot-cols"><div><p><strong>{name}</strong></p>
<p>Piazza dell'Università 1, 40100 Bologna</p><p>Centralino: +39 051 000 0001</p>{email}</div>
<div><ul><li><a href="/note-legali">Note legali</a></li><li><a
href="/accessibilita">Accessibilità</a></li><li><a href="/mappa">Mappa del sito</a></li></ul>
</div></div><p>© 2027 {name} &ndash; pagina aggiornata il 3 dicembre 2026</p></footer>""",
}
_FOOTER_EMAIL = {
    "fr": '<p>Contact : <a href="mailto:communication@{domain}">communication@{domain}</a></p>',
    "en": '<p>Contact: <a href="mailto:communication@{domain}">communication@{domain}</a></p>',
    "it": '<p>Contatti: <a href="mailto:comunicazione@{domain}">comunicazione@{domain}</a></p>',
}

#: Every block by name, in the order :func:`boilerplate_page` puts them.
BLOCKS = {
    "cookie banner": _COOKIE,
    "mega menu": _MEGA_MENU,
    "news teaser": _NEWS,
    "events agenda": _AGENDA,
    "related links": _RELATED,
    "newsletter sign-up": _NEWSLETTER,
    "footer": _FOOTER,
}
LANGUAGES = ("fr", "en", "it")


def _language(language: str) -> str:
    return language if language in LANGUAGES else "en"


def block(name: str, language: str, domain: str, *, with_email: bool = True) -> Element:
    """One block of the library, as a fresh element (its tail empty)."""
    language = _language(language)
    html = BLOCKS[name][language]
    if name == "footer":
        email = _FOOTER_EMAIL[language].format(domain=domain) if with_email else ""
        html = html.format(name=domain.split(".")[0].upper(), email=email)
    return etree.fromstring(html, etree.HTMLParser()).find("body")[0]  # type: ignore[index]


def top_of_page(language: str, domain: str) -> list[Element]:
    """The blocks at the very top of the page: the cookie banner, the mega menu."""
    return [block("cookie banner", language, domain), block("mega menu", language, domain)]


def before_content(language: str, domain: str) -> list[Element]:
    """The blocks just before the content: a news teaser."""
    return [block("news teaser", language, domain)]


def after_content(language: str, domain: str, *, with_email: bool = True) -> list[Element]:
    """The blocks after the content: agenda, related links, newsletter, the site's footer."""
    names = ("events agenda", "related links", "newsletter sign-up", "footer")
    return [block(name, language, domain, with_email=with_email) for name in names]


def boilerplate_page(language: str, domain: str, names: tuple[str, ...] = tuple(BLOCKS)) -> str:
    """A page of the blocks ``names`` alone (all of them by default), in ``language``."""
    title = {"fr": "Accueil", "en": "Home", "it": "Home"}[_language(language)]
    body = "".join(
        etree.tostring(block(name, language, domain), method="html", encoding="unicode")
        for name in names
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{_language(language)}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>{body}</body></html>"
    )
