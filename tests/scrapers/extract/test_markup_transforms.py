"""The markup rewrites of ``bench.markup_transforms`` and the library of ``bench.boilerplate``."""

from __future__ import annotations

import re

from bench.boilerplate import BLOCKS, LANGUAGES, block, boilerplate_page
from bench.markup_transforms import TRANSFORMS, Page, neutral_token, noisy_text, parse
from scrapers.extract.dom import text_of

_PAGE = Page(language="fr", url="https://www.ensx.fr/venir", has_email=True)
_HTML = (
    '<html lang="fr"><body><header role="banner"><nav><ul class="menu main-menu">'
    '<li><a href="/">Accueil</a></li><li>Formation <em>ingénieur</em></li></ul></nav></header>'
    '<main id="content"><h2 class="title">Calendrier</h2><p><strong>Dates</strong></p>'
    '<table><thead><tr><th scope="col">Semestre</th><th>Date</th></tr></thead>'
    "<tr><td>Automne</td><td>15 avril 2027</td></tr></table>"
    "<p>Candidature : 15 avril 2027</p></main><aside>A</aside><footer>F</footer></body></html>"
)


def _body(html: str) -> str:
    return html.split("<body>", 1)[1].split("</body>", 1)[0]


def test_semantic_containers_become_divs_and_roles_are_dropped() -> None:
    body = _body(TRANSFORMS["semantic containers as divs"](_HTML, _PAGE))
    assert re.findall(r"<(\w+)", body)[:5] == ["div", "div", "ul", "li", "a"]
    assert "role=" not in body
    assert '<div id="content"><h2 class="title">' in body
    assert body.endswith("<div>A</div><div>F</div>")


def test_class_and_id_names_become_the_same_hashed_token_everywhere() -> None:
    body = _body(TRANSFORMS["neutral class and id names"](_HTML, _PAGE))
    assert f'<ul class="{neutral_token("menu")} {neutral_token("main-menu")}">' in body
    assert f'<main id="{neutral_token("content")}">' in body
    assert re.fullmatch(r"x[0-9a-f]{7}", neutral_token("footer"))
    assert neutral_token("menu") != neutral_token("main-menu")


def test_headings_become_bold_paragraphs_keeping_their_attributes() -> None:
    body = _body(TRANSFORMS["headings as bold paragraphs"](_HTML, _PAGE))
    assert '<p class="title"><strong>Calendrier</strong></p><p><strong>Dates</strong></p>' in body


def test_short_bold_paragraphs_become_headings() -> None:
    html = "<body><p><strong>Dates</strong></p><p><b>Long</b> emphasis</p></body>"
    body = _body(TRANSFORMS["bold paragraphs as headings"](html, _PAGE))
    assert body == "<h3>Dates</h3><p><b>Long</b> emphasis</p>"


def test_header_cells_become_bold_data_cells_in_a_body() -> None:
    body = _body(TRANSFORMS["th as td > b"](_HTML, _PAGE))
    assert "<tbody><tr><td><b>Semestre</b></td><td><b>Date</b></td></tr></tbody>" in body
    assert "<th" not in body
    assert "scope" not in body


def test_lists_of_inline_items_become_lines_of_one_paragraph() -> None:
    html = (
        '<body><ul class="m"><li><a href="/">A</a></li><li>B <em>c</em></li></ul>'
        "<ul><li><p>kept</p></li></ul>tail</body>"
    )
    body = _body(TRANSFORMS["lists as br lines"](html, _PAGE))
    assert (
        body
        == '<p class="m"><a href="/">A</a><br>B <em>c</em></p><ul><li><p>kept</p></li></ul>tail'
    )


def test_white_space_noise_is_what_typography_and_hyphenation_write() -> None:
    assert noisy_text("Candidature : 15 avril 2027, ri@ensx.fr") == (
        "Cand\u00adidature\u202f: 15\u00a0avril 2027, ri@ensx.fr"
    )
    assert noisy_text("un deux trois quatre cinq six") == "un deux trois quatre cinq\n      six"


def test_white_space_noise_leaves_scripts_and_the_title_alone() -> None:
    html = (
        "<head><title>Candidature</title></head>"
        "<body><script>var x = 'Candidature';</script></body>"
    )
    result = TRANSFORMS["white-space noise"](html, _PAGE)
    assert "<title>Candidature</title>" in result
    assert "var x = 'Candidature';" in result


def test_boilerplate_goes_at_the_top_around_the_main_content() -> None:
    root = parse(TRANSFORMS["boilerplate around"](_HTML, _PAGE))
    body = next(root.iter("body"))
    order = [child.get("class") or child.tag for child in body]
    assert order == [
        "privacy-bar",
        "mega-wrap",
        "header",
        "block-feed",
        "main",
        "block-agenda",
        "box-more",
        "box-letter",
        "site-foot",
        "aside",
        "footer",
    ]
    assert "communication@ensx.fr" in text_of(body)


def test_the_footers_address_is_left_out_on_a_page_without_one_of_its_own() -> None:
    page = Page(language="fr", url="https://www.ensx.fr/venir", has_email=False)
    html = TRANSFORMS["boilerplate around"]("<body><p>Texte</p></body>", page)
    assert "@" not in text_of(parse(html))
    assert "Standard : +33 4 76 00 00 01" in html


def test_the_theme_wrapper_takes_the_main_contents_place() -> None:
    root = parse(TRANSFORMS["theme wrapper"](_HTML, _PAGE))
    assert not list(root.iter("main"))
    entry = next(node for node in root.iter("div") if node.get("class") == "entry-content clearfix")
    assert len(list(entry.iterancestors("div"))) == 7
    assert [child.tag for child in entry] == ["h2", "p", "table", "p"]


def test_every_transformation_keeps_the_pages_text_words() -> None:
    words = set(re.findall(r"\w+", text_of(parse(_HTML), " ")))
    for name, transform in TRANSFORMS.items():
        text = text_of(parse(transform(_HTML, _PAGE)), " ").replace("\u00ad", "")
        assert words <= set(re.findall(r"\w+", text)), name


def test_the_library_has_every_block_in_every_language() -> None:
    for language in LANGUAGES:
        for name in BLOCKS:
            element = block(name, language, "ensx.fr")
            assert len(text_of(element, " ", strip=True)) > 40, (name, language)
    assert "communication@ensx.fr" in text_of(block("footer", "fr", "ensx.fr"))
    assert "@" not in text_of(block("footer", "fr", "ensx.fr", with_email=False))


def test_a_boilerplate_page_holds_the_blocks_in_order() -> None:
    root = parse(boilerplate_page("it", "uni.it"))
    assert root.get("lang") == "it"
    classes = [child.get("class") for child in next(root.iter("body"))]
    assert classes == [
        "privacy-bar",
        "mega-wrap",
        "block-feed",
        "block-agenda",
        "box-more",
        "box-letter",
        "site-foot",
    ]
