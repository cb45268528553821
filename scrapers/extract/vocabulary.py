"""Cue words, folded (lower case, no accents), in French, English, Italian, German and Finnish.

CLDR gives month and language names (see ``dates`` and ``languages``) but has no word for
"nomination" or "recommended": those cues are ours, kept here in one place. Every pattern
matches text folded by ``textmatch.fold_aligned``; ``\\w*`` ends cover inflections
("candidatures", "Bewerbungsfrist", "hakuaika").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scrapers.extract.textmatch import compile_cues, fold_aligned

#: What stands before "candidat…" when the candidates are not the applicants: the object of
#: a nomination, a list of them, Quebec's "mise en candidature" (decisions 0326, 0380).
_NOT_BEFORE_A_CANDIDATE = (
    "nominates the selected ",
    "nominate the selected ",
    "nominates the ",
    "nominate the ",
    # "The partner school nominates its candidates by 15 January" (decision 0405).
    "nominates its ",
    "nominate its ",
    "nominates their ",
    "nominate their ",
    "nominates ",
    "nominate ",
    "liste de leurs ",
    "liste des ",
    "list of ",
    "list of the ",
    "list of their ",
    "lista dei ",
    "elenco dei ",
    "selected ",
    "shortlisted ",
    "mise en ",
    "mettre en ",
    "mettent en ",
)

# What a deadline is for.
NOMINATION = "nomination"
APPLICATION = "application"
KIND_CUES: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Application deadline for nominated students", "les étudiants nominés remplissent…": the
    # students are the nominated ones, the date is their application's (development set, en17,
    # it14).
    (
        compile_cues(
            r"nomina(?<!etudiants nomina)(?<!studenti nomina)(?<!students nomina)"
            # "Once nominated, you have until 1 June to submit your application": a state the
            # student is in, not the nomination's date (decision 0326).
            r"(?<!once nomina)(?<!une fois nomina)(?<!una volta nomina)"
            r"(?!ted (?:students?|applicants|candidates))\w*"
            r"|nominier\w*|nominoi\w*|designation\w*|nimea\w*"
            # Quebec's "mise en candidature": the home school puts the student forward
            # (decision 0380).
            r"|mise en candidature|mettre en candidature|mettent en candidature"
            # "Home universities send the list of nominated students by …": the list is the
            # nomination (development set, it30).
            r"|(?:list|lists|names|liste|lista|elenco|elenchi)(?: (?:of|des|dei|degli|delle|the))*"
            r" (?:etudiants |studenti |students )?nomin\w*"
            # "Partners send us the list of their shortlisted candidates by 15 February": a list
            # of candidates sent by the partner is the nomination (decision 0326).
            r"|(?:list|liste|lista|elenco)"
            r"(?: (?:of|de|des|leurs|their|the|dei|degli|delle|propri))*"
            r"(?: (?:candidat\w*|etudiants|studenti)"
            r" (?:preselection\w*|selection\w*|retenus|selezionat\w*)"
            r"| (?:selected|shortlisted|chosen) (?:candidates|students))"
        ),
        NOMINATION,
    ),
    (
        compile_cues(
            r"application\w*|apply|applying|dossiers?|demandes? d'admission"
            # "The coordinator nominates the selected candidates by 31 January": the object of
            # a nomination is no application (decision 0326).
            # The look-behinds follow the word, so they run only where "candidat" was read
            # (decision 0380).
            r"|candidat"
            + "".join(f"(?<!{before}candidat)" for before in _NOT_BEFORE_A_CANDIDATE)
            + r"\w*"
            r"|domand[ae]|bewerb\w*"
            r"|haku\w*|hakemu\w*|hae|hakea|hakeminen"
            # The exchange student's online form, as many offices call the application.
            r"|online registration|registration form|inscriptions? en ligne"
            r"|iscrizion[ei] online|online-anmeldung"
        ),
        APPLICATION,
    ),
)

#: Words that make a date a deadline rather than any date.
DEADLINE_CUE = "deadline"
#: Words that make a date something else: an opening, a result, an arrival, a publication.
OTHER_DATE_CUE = "other"
#: Words that make a date an opening: not a deadline, unless it is the end of a period.
OPENING_CUE = "opening"
DATE_ROLE_CUES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        compile_cues(
            r"deadlines?|due|no later than|closing date|closes|dates? limites?|avant le"
            r"|au plus tard|jusqu'au|limite|entro(?: il)?|scadenz\w*|termine ultimo|frist\w*"
            r"|\w+frist"
            r"|bewerbungsschluss|einsendeschluss|spatestens|bis zum|maaraai\w*|viimeistaan"
            r"|mennessa|paattyy|by|before|until|period|periode|periodo|zeitraum|\w*aika"
            # "un'unica finestra, che si chiude il 15 ottobre" (development set, it38).
            r"|(?:si |se )?chiud\w*|se clot|se termine|se ferme|closing|close[sd]? on"
            r"|(?:last|latest|final) (?:date|day)|dernier (?:delai|jour)|ultimo giorno"
        ),
        DEADLINE_CUE,
    ),
    (
        compile_cues(
            r"results?|resultats?|risultat[io]|ergebnis\w*|tulok\w*|decisions?|entscheid\w*"
            r"|paatok\w*|notif\w*|ankunft|saapu\w*|orientation|orientamento"
            # An arrival, unless it names the semester: "31 mars pour une arrivée en
            # septembre" is a deadline for the autumn (development set, batch 3: fr35).
            r"|arriv\w*+(?!\s+(?:en|in) (?:septembre|janvier|fevrier|september|january|february))"
            r"|einfuhrung\w*|welcome|accueil|accoglienza|begins?|starts?|debut\w*|inizi\w*"
            r"|beginn\w*|alka\w*|published|publication|pubblicazione|veroffentlich\w*|julkai\w*"
            r"|updated|mis a jour|aggiornat\w*|aktualisiert|paivitetty|accept\w*|zusage"
            r"|hyvaksy\w*|exams?|examens?|esam\w*|prufung\w*|tentti\w*|selection|selezione"
            r"|auswahl|valinta\w*|checked|verifi\w*"
            # A term's own dates beside its deadlines: "Term dates", "Dates du semestre",
            # "Periodo delle lezioni" (decision 0380).
            r"|(?:term|semester|teaching|lecture|class) (?:dates|period)"
            r"|dates of the (?:term|semester)"
            r"|dates du (?:semestre|trimestre|quadrimestre)|periodo delle lezioni"
            # Not "per il primo periodo didattico", a semester (decision 0405).
            r"|periodo didattico(?<!primo periodo didattico)(?<!secondo periodo didattico)"
        ),
        OTHER_DATE_CUE,
    ),
    (
        compile_cues(r"opens?|ouverture|ouvert\w*|apert\w*|offnet|geoffnet|avautu\w*|alkaa"),
        OPENING_CUE,
    ),
)

# Periods of the academic year.
AUTUMN = "autumn"
SPRING = "spring"
YEAR = "year"
#: "winter" alone: autumn in German-speaking universities, the January term elsewhere.
WINTER = "winter"
#: A sentence about the deadlines above it: "The deadlines above apply to the autumn semester",
#: "Le scadenze indicate valgono per il semestre autunnale" (decision 0350).
DEADLINES_ABOVE = compile_cues(
    r"(?:deadlines?|dates?) (?:(?:listed|given|shown|mentioned|stated) )?above"
    r"|(?:above|aforementioned) (?:deadlines|dates)"
    r"|(?:dates?|delais|dates limites) (?:(?:indiquee?s?|mentionnee?s?|precisee?s?) )?ci-dessus"
    r"|(?:scadenze|date|termini) (?:(?:sopra ?)?(?:indicat[ei]|riportat[ei]|elencat[ei])"
    r"(?: sopra| qui sopra)?|di cui sopra|precedenti)"
)
#: A later round of the same call: "Secondo round, solo per i posti non assegnati: entro il 15
#: maggio 2027" under "Primo round: … (mobilità nel primo semestre)" (batch 3: it27).
LATER_ROUND = compile_cues(
    r"(?:second|2nd|third|secondo|seconda|terzo|seconde|deuxieme|troisieme)"
    r" (?:round|session|sessione|window|finestra|call|appel|tour)"
    r"|round [23]|(?:session|sessione) (?:complementaire|suppletiva|supplementare)"
)
#: A winter semester that the page says starts in the autumn: then "the winter semester" is the
#: autumn one on the rest of the page too.
WINTER_STARTS_IN_AUTUMN = (
    r"winter (?:semester|term) ?(?:\(|, )(?:from |starting in )?(?:september|october)"
)
WINTER_IN_AUTUMN = compile_cues(WINTER_STARTS_IN_AUTUMN)
#: A first term and the one after it: "Fall and Winter", "autunno e primavera".
_TERM_AND_NEXT = (
    r"(?:the )?(?:fall|autumn|automne|autunno) (?:and|et|e|&) (?:winter|spring|hiver|printemps"
    r"|inverno|primavera)(?: terms?| semesters?| semestres?| semestri)?"
)
SEMESTER_CUES: tuple[tuple[re.Pattern[str], str], ...] = (
    (compile_cues(r"winter-?semester\w*|wintersemesters?|wise"), AUTUMN),
    (compile_cues(r"sommer-?semester\w*|sose"), SPRING),
    (
        compile_cues(
            r"academic year|full year|whole year|annee (?:universitaire|complete|academique)"
            r"|anno accademico|intero anno|studienjahr\w*|akademische\w* jahr\w*|lukuvuo\w*"
            # "Fall, or Fall and Winter: …", "automne, ou automne et printemps": a term and the
            # one after it, offered beside the first alone, are its year (decision 0350).
            f"|(?<=or |ou | o ){_TERM_AND_NEXT}"
        ),
        YEAR,
    ),
    (
        compile_cues(
            r"autumn|fall|automne|autunno|herbst\w*|syksy\w*|syyslukukau\w*"
            r"|first semester|1st semester|premier semestre|1er semestre|primo semestre"
            r"|semestre 1|1\. semester|semester 1|semester i|1 ?° semestre|autunnal\w*"
            # British "Semester A" and Belgian quadrimestres, "Q1" (not "Q1 2027", a quarter;
            # decision 0380).
            r"|semester a|(?:premier|1er) quadrimestre|quadrimestre 1|q1(?! ?\d)"
            # "I semestre (settembre-febbraio)", "II semestre" (development set, it15, it21).
            r"|i semestre(?<!\wi semestre)(?<!'i semestre)"
            # "il primo periodo didattico", "1° periodo", "first teaching period" (decision 0405).
            r"|(?:primo|1 ?°) periodo(?: didattico)?|first (?:teaching|study) period"
            # A semester named by the month it starts: "starting in September", "arrivée en
            # septembre" (issue 12: "starting in September/January").
            r"|(?:starting|arriving|arrival|start) in september|arrivee en septembre"
            r"|arrivo (?:a|in) settembre|inizio a settembre"
            # "Winter semester (October to February)" outside German-speaking countries
            # (batch 3: en30).
            f"|{WINTER_STARTS_IN_AUTUMN}"
        ),
        AUTUMN,
    ),
    (
        compile_cues(
            r"spring|printemps|primavera|fruhjahr\w*|kevat\w*|kevaa\w*|kevatlukukau\w*"
            r"|second semester|2nd semester|second semestre|deuxieme semestre|2e semestre"
            r"|secondo semestre|semestre 2|2\. semester|summer semester|sommer"
            r"|semester 2|semester ii|2 ?° semestre|primaveril\w*|ii semestre"
            r"|semester b|(?:second|deuxieme|2e) quadrimestre|quadrimestre 2|q2(?! ?\d)"
            r"|(?:secondo|2 ?°) periodo(?: didattico)?|second (?:teaching|study) period"
            r"|(?:starting|arriving|arrival|start) in (?:january|february)"
            # In a year of three terms, "Winter and spring terms", "hiver et printemps": the two
            # after the autumn, whose deadline is the January term's (decision 0405); read
            # before "winter" alone, a later cue. A German year's two are "winter and summer".
            r"|(?:winter|hiver|inverno) (?:and|et|e|&) (?:spring|printemps|primavera)"
            r"(?: terms?| quarters?| trimestres?| trimestri)?"
            r"|arrivee en (?:janvier|fevrier)|arrivo (?:a|in) (?:gennaio|febbraio)"
        ),
        SPRING,
    ),
    (compile_cues(r"winter|hiver|inverno|talvi\w*"), WINTER),
)

# Whether a language level is required or only recommended.
REQUIRED = "required"
RECOMMENDED = "recommended"
STATUS_CUES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        compile_cues(
            r"recommend\w*|advis\w*|desirable|preferr\w*|recommand\w*|conseill\w*|souhait\w*"
            r"|consigliat\w*|raccomandat\w*|auspicabil\w*|empfohlen\w*|wunschenswert"
            r"|suositel\w*|suositus\w*"
        ),
        RECOMMENDED,
    ),
    (
        compile_cues(
            r"requir\w*|mandatory|compulsory|must|minimum|at least|necessary|requis\w*"
            r"|exig\w*|obligatoire\w*|necessaire\w*|au moins|richiest\w*|obbligatori\w*"
            r"|necessari\w*|almeno|minimo|erforderlich\w*|vorausgesetzt|notwendig\w*"
            r"|mindestens|voraussetzung\w*|vaaditaan|vaadit\w*|edellyt\w*|vahintaan"
        ),
        REQUIRED,
    ),
)

# Bounds on a number of credits.
MINIMUM = "min"
MAXIMUM = "max"
TYPICAL = "typical"
BOUND_CUES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        compile_cues(
            r"at least|minimum|min\.?|no fewer than|au moins|au minimum|almeno|minimo"
            r"|mindestens|wenigstens|vahintaan|not less than|no less than|pas moins de"
            r"|non meno di"
        ),
        MINIMUM,
    ),
    (
        compile_cues(
            r"maximum|max\.?|at most|up to|no more than|au maximum|au plus|jusqu'a|al massimo"
            # "a learning agreement may not exceed 40 ECTS" (decision 0326).
            r"|(?:may|must|cannot|can not|should) not exceed|not to exceed|ne (?:doit|peut) pas"
            r" depasser|sans depasser|non (?:puo|deve) superare|non superare"
            # "Le contrat ne peut dépasser 32 crédits" drops the "pas" (decision 0415).
            r"|ne (?:doit|peut|doivent|peuvent) depasser"
            r"|massimo|fino a|hochstens|maximal|bis zu|enintaan|korkeintaan|not more than"
            # "au moins 18 crédits ECTS par semestre, et pas plus de 36" (development set, fr45).
            r"|pas plus de|non piu di"
        ),
        MAXIMUM,
    ),
    (
        compile_cues(
            r"full(?:[- ]time)? (?:work)?load|workload|normal|typical|usual|charge normale"
            r"|carico|regelstudien\w*|vollzeit|taysi\w*|normaali\w*|expected"
            # "la charge habituelle est de 30 crédits" (decision 0380).
            r"|habituel\w*|abitual\w*"
        ),
        TYPICAL,
    ),
)

#: A number of credits that measures what students did, not what the offer asks: an average or
#: a median of what they earned ("27 crédits ECTS validés en moyenne par semestre", "earn a
#: median of 28 ECTS per semester", "26 CFU medi per semestre maturati"), or a share of them
#: ("91% of exchange students complete 30 ECTS per semester"). An average alone is the offer's
#: usual load ("Gli studenti seguono in media 30 crediti", it18): it takes what they earned.
#: Development set, batch 4: fr37, en35, it32, it33, en37, it35, en40 (decision 0261).
AVERAGE = compile_cues(
    r"average|on average|median|moyenne|en moyenne|mediane|medi|medio|media|in media"
    r"|mediamente|mediana|durchschnittlich\w*|im schnitt|keskimaarin"
)
OUTCOME = compile_cues(
    r"earn(?:s|ed)?|achiev(?:e|es|ed)|obtain(?:s|ed)?|gain(?:s|ed)?|pass(?:es|ed)"
    r"|complet(?:e|es|ed)|valide\w*|obtenu\w*|acquis"
    r"|conseguit\w*|ottenut\w*|maturat\w*|acquisit\w*|superat\w*|erworben\w*|erreicht\w*"
)
SHARE = re.compile(r"\d\s?%|(?<![\w])(?:per ?cent|pour ?cent|per cento|prozent)(?![\w])")
#: A box or a page of figures: what it quotes are statistics, whatever their wording
#: ("L'université en chiffres", "Ateneo in cifre", "Facts and figures").
FIGURES = compile_cues(
    r"in numeri|in cifre|i numeri|key figures|facts and figures|in figures|in numbers|at a glance"
    r"|en chiffres|chiffres cles|statistics|statistiques|statistiche|in zahlen|zahlen und fakten"
)
#: The figure a sentence gives as its total, beside the parts it adds up ("un projet de 10 ECTS
#: et des cours, soit 30 ECTS au total", fr39): said just after the number, or just before it.
TOTAL_AFTER = re.compile(
    r"\W{0,3}(?:in total|in all|au total|en tout|in tutto|in totale|complessiv\w*|insgesamt"
    r"|yhteensa)(?![\w])"
)
TOTAL_BEFORE = re.compile(
    r"(?<![\w])(?:soit|i\.e\.|a total of|for a total of|pour un total de|per un totale di"
    r"|cioe|ovvero)\W{0,3}$"
)

#: A part of the load, not the load: "au moins 20 crédits par semestre, dont au plus 6 crédits
#: de cours de langue", "of which", "di cui" (decision 0380). Read just before a number.
_PART_WORDS = r"(?<![\w])(?:dont|of which|di cui|davon|wovon|joista)"
PART_OF = re.compile(_PART_WORDS + r"(?:\W+[^\W\d]+){0,4}\W*$")
#: The same words anywhere: a bound said after them ("60 crédits ECTS, dont 24 au minimum")
#: is the part's, not the whole's (decision 0415).
PART_WORD = re.compile(_PART_WORDS + r"(?![\w])")
#: What the credits of a course are given with: a sentence whose subject is a course or a
#: teaching unit ("Les unités d'enseignement valent de 2 à 6 crédits") bounds no load.
COURSE_UNIT = compile_cues(
    r"unites? d'enseignement|ue|modules?|moduli|insegnamenti|units?|einheiten"
)
#: A page that names the system its credits count in; without it, "crédits" alone are a North
#: American school's own (decision 0415).
ECTS_NAMED = compile_cues(r"ects|cfu|cfa|opintopiste\w*|leistungspunkte|op|lp|cp")
#: A course, a class or a module: its credits in brackets beside it are its own, "A beginners'
#: course (level A1, 4 ECTS)", not the load (decision 0380), and a level in its clause is the
#: course's, not a requirement (``languages``).
COURSE = compile_cues(
    r"courses?|class(?:es)?|cours|corsi|corso|kurs\w*|kurssi\w*|lezioni|lessons"
    # A workshop or a seminar is a course too: "il laboratorio «…» (2 CFU …)" (decision 0415).
    r"|workshops?|ateliers?|laboratori[o]?|seminars?|seminaires?|seminari[o]?"
)

# What credits are counted per.
PER_SEMESTER = "semester"
PER_YEAR = "year"
PER_CUES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        compile_cues(
            r"(?:per|a|par|pro|al|jede[ns]?"
            # "A German course runs before each semester": when, not what it is per (decision
            # 0350). The look-behinds run only where "each" or "ogni" was read.
            r"|each(?<!before each)(?<!after each)(?<!during each)(?<!start of each)"
            r"(?<!end of each)(?<!beginning of each)"
            r"|ogni(?<!prima di ogni)(?<!dopo ogni)(?<!inizio di ogni)(?<!fine di ogni)"
            r"(?<!durante ogni)) (?:academic )?(?:semester|semestre|term|trimestre|quadrimestre)s?"
            # "In un semestre si possono sostenere al massimo 30 CFU" (decision 0350).
            r"|(?:in|en|within) (?:one|un|uno|une|a single|un seul|un solo)"
            r" (?:semester|semestre|term)"
            # "30 ECTS is the usual load for one semester" (decision 0415): a load's, not a
            # stay's "for one semester".
            r"|(?:load|charge|carico) (?:for|pour|per) (?:one|a|un|une|uno)"
            r" (?:semester|semestre|term)"
            r"|semestrial\w*|lukukaudessa|lukukautta kohden|lukukaudelle|per lukukausi"
            # A semester as the subject: "A typical semester is 30 ECTS", "Un semestre
            # d'échange représente 30 ECTS" (development set, batch 3: en29, and fr21); "A full
            # semester load is 30 ECTS" (batch 4: en36).
            r"|(?:a|one|un|uno|each|every|ogni)"
            r" (?:typical |full |normal |usual |standard |regular )?"
            r"(?:semester|semestre)(?: d'echange| of exchange| di scambio)?(?: (?:work)?load)?"
            # "Un semestre à l'ENS X correspond à 30 crédits" (decision 0415): where, then the
            # verb that equates the term with its load.
            r"(?: (?:a|at|in|with|presso|chez) [\w'-]+(?: [\w'-]+){0,3})?"
            r" (?:is|represents|represente|rappresenta|vaut|vale|is worth|equals"
            r"|correspond(?:s|e)? (?:a|to)|corrisponde a|equivaut a|equivale a)"
            # The period named just before its figure in brackets: "Un semestre (30 ECTS) ou
            # une année (60 ECTS)", "one semester (30 ECTS)" (decision 0326).
            r"|(?:a|one|un|une|uno|una) (?:full |single |academic )?(?:semester|semestre|term)"
            r"(?=\s*\(\s*\d)"
        ),
        PER_SEMESTER,
    ),
    (
        compile_cues(
            r"(?:per|a|each|par|pro|all'|ogni) (?:academic )?"
            r"(?:year|an|annee|anno|jahr|studienjahr)"
            # "60 CFU per un anno accademico" (decision 0326).
            r"|per (?:un|l') ?anno accademico"
            r"|(?:a|one|un|une|uno|una|full|whole) (?:full |whole |academic )?"
            r"(?:year|annee|anno)(?: universitaire| accademico)?(?=\s*\(\s*\d)"
            # A year as the subject: "The double-degree year is worth 60 ECTS" (decision 0326).
            r"|(?:a|one|the|each|every) (?:[\w-]+ )?(?:academic )?year (?:is|represents)(?: worth)?"
            # "Il secondo anno vale 60 CFU", "L'année d'échange représente 60 crédits" (decision
            # 0415).
            r"|(?:il|l'|un|ogni|chaque) ?(?:[\w-]+ )?(?:annee|anno)(?: d'echange| di scambio)?"
            r" (?:vale|rappresenta|corrisponde a|represente|vaut|correspond a|equivaut a)"
            # "spend the full second year of an MSc programme at X (60 ECTS)": a whole year
            # named, its credits in brackets after a few words (decision 0415).
            r"|(?:full|whole|entire) (?:first |second |third |final |last )?year"
            r"(?: [^\W\d]+){0,6}(?=\s*\(\s*\d)"
            # "30 ECTS per semester, or 60 ECTS for the full year" (batch 3: en32).
            r"|(?:for|pour|per) (?:the |a |l'|un |une )?(?:full|whole|entire|intero|complete)"
            r" (?:academic )?(?:year|annee|anno)"
            r"|(?:for|pour|per) (?:the |a |l'|un |une )?(?:academic )?(?:year|annee|anno)"
            r" (?:entiere|complete|intero|accademico intero)"
            # "30 ECTS par semestre, 60 pour l'année" (decision 0350); not "for the year 2027".
            r"|(?:for|pour|per) (?:the |l')(?:year|annee|anno)(?!\s*\d)"
            r"|annual\w*|annuel\w*|annu[ao]|jahrlich|vuodessa|lukuvuodessa|per lukuvuosi"
        ),
        PER_YEAR,
    ),
)

#: Words that say a sentence is about a student's stay.
STAY_CUES = compile_cues(
    r"exchange\w*|stay|mobility|period|duration|sejour|echange\w*|mobilite|duree|scambi?o?"
    r"|soggiorno|mobilita|durata|austausch\w*|aufenthalt\w*|mobilitat|dauer|vaihto\w*|kesto"
    # "Accueil des étudiants Erasmus+ … pour un semestre uniquement" (development set, fr25).
    r"|erasmus"
    # "Students join one of our MSc programmes for one academic year", "spend a semester with
    # us", "trascorrere un semestre": how long a student joins or spends (decision 0326).
    r"|join(?:s|ing)?|spend(?:s|ing)?|trascorr\w*"
    # "Gli studenti possono frequentare un semestre": to attend a term (decision 0380).
    r"|frequentare|frequentano"
    # "Vous pouvez venir pour un semestre", "may come for one, two or three terms" (decision
    # 0405).
    r"|venir|come|venire"
)
#: A table header over a stay's length: "Mobility period", "Durée du séjour" (decision 0405).
#: Not "Exchange students", over "900 a year" in a table of figures.
STAY_LENGTH = compile_cues(
    r"duration|length|period|periode|durees?|durata|dauer|kesto|stays?|sejours?|soggiorn[oi]"
    r"|aufenthalt\w*"
)
#: Who or what a stay's adjective qualifies: "mobilità semestrali", "studenti annuali".
_STAYERS = (
    r"(?:mobilita|soggiorni?|scambi|mobilites?|sejours?|echanges?|studenti|etudiants"
    r"|stays?|exchanges?|students)"
)
SEMESTER_OPTION = compile_cues(
    r"(?:one|a|1|single|un|une|uno|una|ein\w*|yksi|yhde\w*)\s+(?:\w+\s+)?"
    r"(?:semester|semestre|term|trimestre|quadrimestre|lukukau\w*)"
    # "We accept exchange students for the autumn semester … and the spring semester", "study
    # with us for Semester 1 …": one term on its own (development set, en23, en25).
    # Only after the students or the stay: "applications for the autumn semester" is a deadline.
    r"|(?:students|us|stay) for (?:the )?(?:autumn|fall|spring) (?:semester|term)"
    r"|(?:students|us|stay) for semester [12]"
    # "Partner students may spend Semester A, …" (decision 0380).
    r"|spend (?:the )?semester [12ab]"
    # A stay named by its adjective: "mobilità semestrali", "gli studenti semestrali", "un
    # séjour semestriel", "a semester-long exchange" (development set, it38, it42).
    rf"|{_STAYERS} (?:semestral[ei]|semestriel\w*)|semester-long (?:stays?|exchanges?|mobility)"
)
YEAR_OPTION = compile_cues(
    r"(?:one|a|1|full|whole|entire|une|un|uno|intero|ein\w*|ganz\w*|yksi|koko)\s+(?:\w+\s+)?"
    r"(?:academic year|year|annee(?: universitaire)?|anno(?: accademico)?|studienjahr|jahr"
    r"|lukuvuo\w*)"
    r"|(?:two|2|deux|due|zwei|kaksi)\s+(?:semesters|semestres|semestri|semester|lukukautta"
    # "deux trimestres consécutifs" in Quebec, "deux quadrimestres" in Belgium (decision 0380).
    r"|trimestres|quadrimestres|quadrimestri)"
    rf"|{_STAYERS} (?:annual[ei]|annuel\w*)|(?:year-long|full-year) (?:stays?|exchanges?|mobility)"
)
BOTH_OPTIONS = compile_cues(
    r"one or two semesters|un ou deux semestres|uno o due semestri|ein oder zwei semester\w*"
    # "for one, two or three terms", "un, deux ou trois trimestres" (decision 0405).
    r"|(?:one|un|uno),? (?:two|deux|due),? (?:or|ou|o) (?:three|trois|tre)"
    r" (?:terms|semesters|trimestres|trimestri|quadrimestres|quadrimestri|quarters)"
    r"|yhden tai kahden lukukauden|yksi tai kaksi lukukautta"
    # Both terms offered ("the Fall and/or Winter term", "au semestre 1 … et/ou au semestre 2")
    r"|(?:autumn|fall|automne|autunno|semester|semestre|term|trimestre)[^.;]{0,40}?"
    r"\s(?:and/or|et/ou|e/o|und/oder)"
)
#: A term or both, a semester or a year: both options, where the sentence speaks of a stay
#: ("You can spend the winter semester, the summer semester or both", "un periodo di studio
#: semestrale o annuale", "Durée : semestre ou année"; decision 0350). Not "120 étudiants partis
#: un semestre ou une année à l'étranger", which is no stay here.
EITHER_OPTION = compile_cues(
    r"(?:semester|semestre|term|trimestre)[^.;]{0,60}?\s(?:or|ou|o|oppure|oder)"
    r"(?: for| pour| per)? (?:both|les deux|entrambi|beide)"
    r"|(?:semestral[ei]|semestriel\w*|semester|semestre) (?:or|ou|o|oppure|oder)"
    r" (?:(?:an?|un|une|uno|full|whole|academic) )*(?:annual[ei]|annuel\w*|year|annee|anno)"
)
#: A term or a year further on: "pour un semestre ou pour l'année universitaire", "for the Fall
#: semester (September-January), the Spring semester (February-June) or the whole academic
#: year" (decision 0405). Searched only in a sentence that names a year (``names_a_year``).
TERM_OR_YEAR = compile_cues(
    r"(?:semester|semestre|term|trimestre)[^.;]{0,80}?\s(?:or|ou|o|oppure|oder)"
    r" (?:for |pour |per )?(?:the |l'|an? |un |une |uno |l')?(?:(?:full|whole|entire) )?"
    r"(?:academic |intero )?(?:year|annee|anno)"
)


def names_a_year(folded: str) -> bool:
    """Whether a folded text holds a word for a year (substring tests, cheaper than a pattern)."""
    return "year" in folded or "annee" in folded or "anno" in folded


#: A stay that the sentence says is not offered: "Les séjours d'un semestre ne sont pas
#: possibles", "Single-semester stays are not possible" (decision 0405).
NOT_OFFERED = compile_cues(
    r"(?:is|are) not (?:possible|offered|accepted|available)|not possible"
    r"|n'est pas possible|ne sont pas (?:possibles|acceptes|proposes)|pas possible"
    r"|non (?:e|sono) (?:possibil[ei]|ammess[ei]|previst[ei])"
)
#: A sentence about a room, not the stay: "Exchange students are guaranteed a room for one
#: semester" (development set, en11).
HOUSING = compile_cues(
    r"rooms?|housing|accommodation|logements?|chambres?|alloggi\w*|stanz[ae]|residenz[ae]"
    r"|residences?|wohnheim\w*|zimmer"
)
#: How often something happens, not how long a stay is: "twice a year", "deux fois par an".
FREQUENCY = compile_cues(
    r"(?:twice|once|three times) (?:a|per|each) year|(?:deux|une|trois) fois par an\w*"
    r"|(?:due|tre) volte (?:l'anno|all'anno|l'anno)|una volta (?:l'anno|all'anno)"
)
#: What a deadline on a partner page may be about that is not the exchange: housing, doctoral
#: calls, the school's own degree admissions.
OTHER_TOPIC = compile_cues(
    r"housing|accommodation|logement|alloggi\w*|phd|doctora\w*|dottorat\w*"
    # France's student-aid body and its social file ("Le dossier social étudiant du CROUS se
    # remplit avant le 15 mai"), student residences: housing and aid (decision 0326).
    r"|crous|dossier social\w*|residences? universitaires?|student residences?|studentat\w*"
    r"|residenz\w* universitari\w*|wohnheim\w*"
    r"|mastere specialise|immatricolazion\w*"
    # The school's own degree admissions: "Admission aux programmes réguliers", "Regular degree
    # programmes: apply by …" (decision 0380).
    r"|programmes? reguliers|regular (?:degree )?(?:programmes?|programs?|admissions?)"
    # A degree's own admissions, the school's outgoing students' call, a regional study grant:
    # "Candidatures cycle ingénieur 2027 : jusqu'au 30 juin", "Erasmus+ call for our outgoing
    # students: applications 4-25 January", "Bando borse di studio DSU: domande dal 1° luglio"
    # (decision 0405).
    r"|(?:candidatures?|admissions?|inscriptions?) (?:au |en |pour le )?cycle (?:d')?ingenieurs?"
    r"|(?:undergraduate|first-year|freshman) admissions?|iscrizion[ei] ai corsi di laurea"
    r"|outgoing students|studenti in uscita|etudiants sortants|mobilite sortante"
    r"|borse? di studio dsu|diritto allo studio"
)
#: A box of news or announcements: the date that opens one of its items is the item's own
#: ("02.12.2026 - Erasmus+ call …", "01/12/2026 Bando …"), not a deadline (decision 0405).
NEWS = compile_cues(
    r"(?:latest )?news|announcements?|novita|notizie|avvisi|actualites|annonces|comunicati"
    r"|in evidenza|press releases?"
)
#: A heading over what is not the incoming exchange: the school's own students going abroad
#: ("Partir à l'étranger", "Mobilité sortante", "Studenti in uscita", "per gli studenti
#: dell'Ateneo"), a summer school or course (decision 0380). The nearest heading that names
#: this or the incoming exchange (``INCOMING``) decides.
ANOTHER_PROGRAMME = compile_cues(
    r"outgoing|going abroad|mobilite sortante|etudiants sortants|partir a l'etranger"
    r"|studenti in uscita|mobilita in uscita|partire con erasmus|per gli studenti dell'ateneo"
    r"|summer schools?|summer courses?|ecoles? d'ete|universites? d'ete|cours d'ete"
    r"|scuol[ae] estiv\w*|corsi estivi"
    # The school's job offers and research grants ("Lavora con noi", "Concorso n. 1 posto",
    # "Offres d'emploi", "Vacancies"), and a student association's own page ("ESN …",
    # "Associazione studentesca"): their levels, dates and addresses are not the exchange's
    # (decision 0416).
    r"|lavora con noi|concors[oi]|bandi di concorso|assegn[oi] di ricerca|posizioni aperte"
    r"|collaborazioni studentesche|personale tecnico\w*|offres? d'emploi|recrutements?"
    r"|nous recrutons|work with us|jobs?|job offers|vacanc(?:y|ies)|careers|stellenangebot\w*"
    r"|esn|erasmus student network|associazion[ei] studentesc\w*|student associations?"
    r"|associations? etudiantes?|bureau des (?:eleves|etudiants)"
)
INCOMING = compile_cues(
    r"incoming|inbound|entrant\w*|in entrata|in arrivo|venir|accueil|exchange students"
    r"|etudiants en echange|studenti in scambio|studenti stranieri"
)


def names_other_than_incoming(texts: Iterable[str | None], other: re.Pattern[str]) -> bool:
    """Whether the first of ``texts`` (nearest first) that names the incoming exchange or
    ``other`` names ``other``: words for the incoming exchange outweigh any farther ones, and
    a text naming both is the exchange's (decisions 0380, 0417)."""
    for text in texts:
        if not text:
            continue
        folded = fold_aligned(text)
        if INCOMING.search(folded):
            return False
        if other.search(folded):
            return True
    return False


#: A heading over a double-degree track: its students stay the whole year, so a deadline under
#: it that names no semester is the year's (decision 0405). A heading naming the exchange too
#: ("Exchange and double degrees") says neither.
DOUBLE_DEGREE = compile_cues(
    r"double[- ]degrees?|dual[- ]degrees?|double[- ]diplom\w*|doubles? diplomes?"
    r"|double diplomation|doppi[oa] (?:titol[oi]|laure[ae])|titolo doppio|doppelabschluss\w*"
)
EXCHANGE = compile_cues(r"exchange|echange|scambio|scambi|austausch\w*")
#: A deadline word with no kind: on an incoming-students page "Deadline: 31 March" is the
#: student's application deadline.
BARE_DEADLINE = compile_cues(r"deadlines?|dates? limites?|scadenz\w*|termine ultimo")
#: Another office than the incoming exchange's, named by an address's own words (the text just
#: before it, its row header, its heading) or by its local part: outgoing students,
#: traineeships, staff mobility, personnel, a student secretariat, admissions, a library,
#: housing, student life, associations, partnerships, the press (decision 0417). The incoming
#: exchange named beside them (``INCOMING``) wins.
OTHER_OFFICE = compile_cues(
    r"outgoing|in uscita|sortant\w*|going abroad|traineeships?|internships?|tirocin\w*"
    r"|staff mobility|staff exchange|mobilite du personnel|mobilita del personale|personale"
    r"|personnel|human resources|ressources humaines|risorse umane|concorsi|recrutement"
    r"|segreteri[ae] studenti|student secretariat|registrar|immatricolazion\w*|admissions?"
    r"|ammission\w*|librar\w*|bibliothe\w*|bibliotec\w*|bibliograf\w*|prestiti|housing"
    r"|logement|alloggi\w*|accommodation|vie etudiante|student life|vita studentesca"
    r"|associations?|associazion\w*|partenariats?|partnerships?|accordi|press|presse|stampa"
    r"|alumni"
)
