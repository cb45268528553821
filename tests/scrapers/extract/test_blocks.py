"""The content is read without its cookie banners and menus, each block with its context."""

from __future__ import annotations

from scrapers.extract.dom import parse_html, remove_noise, select_main, text_of
from tests.scrapers.extract.blocks_of import blocks_of


def test_cookie_banners_menus_breadcrumbs_and_scripts_are_not_content() -> None:
    body = (
        '<div id="tarteaucitronRoot">Cookies: accept before 1 June</div>'
        '<div class="cmplz-cookiebanner">We use cookies</div>'
        '<nav><a href="/apply">Apply by 2 January</a></nav>'
        '<ul class="main-menu"><li>Admissions</li></ul>'
        '<div class="breadcrumb">Home &gt; Exchange</div>'
        '<a class="skip-link" href="#c">Skip to content</a>'
        "<script>var deadline = '1 May';</script><main><p>The content.</p></main>"
    )
    assert [block.text for block in blocks_of(body)] == ["The content."]


def test_a_global_or_local_navigation_bar_is_a_menu() -> None:
    # Korean sites name their menus "gnb", "lnb" and "snb" (global, local, side navigation
    # bar; decision 0380).
    body = (
        '<div id="gnb"><ul><li><a href="/adm">Admission (apply 2027.03.02 ~ 2027.03.26)</a></li>'
        '</ul></div><div class="lnb-wrap"><a href="/x">Exchange</a></div>'
        '<div id="contents"><p>The content.</p></div>'
    )
    assert [block.text for block in blocks_of(body)] == ["The content."]


def test_a_page_class_naming_a_menu_does_not_remove_the_page() -> None:
    root = parse_html('<html><body class="has-mega-menu"><main><p>Kept.</p></main></body></html>')
    remove_noise(root)
    assert text_of(root, strip=True) == "Kept."


def test_a_line_break_ends_a_block_and_inline_markup_does_not() -> None:
    texts = [
        b.text
        for b in blocks_of("<main><p>Autumn: <b>15</b> April<br>Spring: 1 October</p></main>")
    ]
    assert texts == ["Autumn: 15 April", "Spring: 1 October"]


def test_blocks_know_their_headings_lead_in_and_table_headers() -> None:
    body = (
        "<main><h1>Exchange</h1><h2>Deadlines</h2><p>Nomination deadlines:</p>"
        "<ul><li>Autumn: 15 April</li></ul>"
        "<table><thead><tr><th>Semester</th><th>Application deadline</th></tr></thead>"
        "<tr><td>Spring</td><td>1 October</td></tr></table>"
        "<h2>Contact</h2><dl><dt>E-mail</dt><dd>x@y.example</dd></dl></main>"
    )
    blocks = {block.text: block for block in blocks_of(body)}
    item = blocks["Autumn: 15 April"]
    assert (item.headings, item.lead_in) == (("Exchange", "Deadlines"), "Nomination deadlines:")
    cell = blocks["1 October"]
    assert (cell.row_header, cell.column_header) == ("Spring", "Application deadline")
    assert blocks["x@y.example"].row_header == "E-mail"
    assert blocks["x@y.example"].headings == ("Exchange", "Contact")


def test_accordion_toggles_are_headings_below_the_h_levels() -> None:
    body = (
        "<main><h2>How to apply</h2>"
        '<button aria-expanded="false">Language requirements</button><div hidden><p>B2</p></div>'
        '<button aria-expanded="false">Study load</button><div hidden><p>30 ECTS</p></div></main>'
    )
    headings = {block.text: block.headings for block in blocks_of(body)}
    assert headings["B2"] == ("How to apply", "Language requirements")
    assert headings["30 ECTS"] == ("How to apply", "Study load")


def test_footers_and_sidebars_are_not_main_content_nor_under_its_headings() -> None:
    body = (
        "<h1>Exchange</h1><p>Main text.</p><aside><p>Agenda</p></aside><footer><p>Tel</p></footer>"
    )
    blocks = {block.text: block for block in blocks_of(body)}
    assert blocks["Main text."].in_main
    assert (blocks["Agenda"].in_main, blocks["Agenda"].headings) == (False, ())
    assert (blocks["Tel"].in_main, blocks["Tel"].headings) == (False, ())


def test_a_layouts_side_column_is_not_main_content_but_a_utility_class_is() -> None:
    # Decision 0310: "colonne-droite", "colonna-dx", "rightcol" name a column beside the
    # content; "text-right" aligns a paragraph of it.
    body = (
        '<div id="colonne-centre"><p class="text-right">Main text.</p></div>'
        '<div id="colonne-droite"><p>Press: press@x.example</p></div>'
        '<table><tr><td class="testo">Table text.</td><td class="colonna-dx">Agenda</td></tr>'
        '</table><div id="rightcol"><p>Housing</p></div>'
        '<div role="complementary"><p>Related</p></div>'
    )
    blocks = {block.text: block.in_main for block in blocks_of(body)}
    assert blocks == {
        "Main text.": True,
        "Press: press@x.example": False,
        "Table text.": True,
        "Agenda": False,
        "Housing": False,
        "Related": False,
    }


def test_a_short_paragraph_ending_with_a_colon_leads_in_the_short_ones_after_it() -> None:
    body = (
        "<main><h2>Dates</h2><p>Nomination deadlines:</p><p>Autumn: 15 April</p>"
        "<p>Spring: 15 October</p><h2>Other</h2><p>Welcome day: 2 September</p>"
        "<p>Application deadlines:</p><ul><li>Autumn: 1 May</li></ul><p>Late: 1 June</p></main>"
    )
    lead_ins = {block.text: block.lead_in for block in blocks_of(body)}
    assert lead_ins["Autumn: 15 April"] == "Nomination deadlines:"
    assert lead_ins["Spring: 15 October"] == "Nomination deadlines:"
    assert lead_ins["Welcome day: 2 September"] is None  # under another heading
    assert lead_ins["Autumn: 1 May"] == "Application deadlines:"
    assert lead_ins["Late: 1 June"] is None  # a list's lead-in ends with the list


def test_the_main_content_is_the_first_main_element_with_real_text() -> None:
    teaser = "<article><p>Short teaser.</p></article>"
    root = parse_html(
        f"<html><body>{teaser}<div id='content'><p>{'Long text. ' * 30}</p></div></body></html>"
    )
    assert select_main(root).get("id") == "content"


def test_a_teaser_item_that_opens_with_its_date_is_furniture_in_any_box() -> None:
    body = (
        "<div class='col'><p><b>Notizie</b></p>"
        "<p><span class='data'>26/11/2026</span> Bando tutor: scadenza 9 dicembre 2026</p>"
        "<li><time>2026-11-10</time> Call open until 15 January 2027</li></div>"
        "<main><p><b>Deadline</b></p><p>Application by <span class='date'>15 May 2027</span>"
        "</p></main>"
        "<div id='bas'>X · info@x.example</div>"
    )
    blocks = blocks_of(body)
    assert [block.text for block in blocks if not block.in_footer] == [
        "Notizie",
        "Deadline",
        "Application by 15 May 2027",
    ]
    assert [block.text for block in blocks if block.in_footer] == ["X · info@x.example"]


def test_a_sentence_pointing_at_the_table_below_leads_it_in_whatever_its_length() -> None:
    # Decision 0326: "les dates ci-dessous", "the deadlines below", "le seguenti scadenze".
    body = (
        "<main><p>We welcome partner students every year in three programmes. The dates below"
        " are the closing dates for complete files. Late files are not read.</p>"
        "<table><tr><th>Programme</th><th>Autumn</th></tr><tr><td>Law</td><td>1 May</td></tr>"
        "</table><p>Our school has a long history of exchanges with universities abroad and a"
        " campus by the river.</p><table><tr><td>Opening hours</td><td>9-17</td></tr></table>"
        "</main>"
    )
    lead_ins = {block.text: block.lead_in for block in blocks_of(body)}
    assert lead_ins["1 May"] == "The dates below are the closing dates for complete files."
    assert lead_ins["9-17"] is None


def test_a_column_named_side_alone_is_beside_the_content() -> None:
    body = (
        '<div class="page"><p>Main text.</p></div><div class="side"><p>Desk: d@x.example</p></div>'
    )
    assert {block.text: block.in_main for block in blocks_of(body)} == {
        "Main text.": True,
        "Desk: d@x.example": False,
    }
