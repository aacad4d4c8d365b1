"""The Distinctive words tab: counts on the charts and a chosen word in context, right-to-left."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.test_app import dashboard, figure, run
from views.words import KWIC_KEY, kwic_html


def test_kwic_html_is_escaped_and_right_to_left() -> None:
    lines = pd.DataFrame(
        [{"left": "<b>قبل ", "keyword": "الانسحاب", "right": " بعد</b>", "outlet": "RT <i>Arabic</i>", "date": "", "position": 2}]
    )
    html = kwic_html(lines, "ar")
    assert '<table dir="rtl"' in html
    assert "&lt;b&gt;قبل" in html and "<b>" not in html and "<i>" not in html
    assert html.index("قبل") < html.index("الانسحاب") < html.index("بعد")  # the text before the word comes first: on its right
    assert "RT &lt;i&gt;Arabic&lt;/i&gt; · undated · ¶ 3" in html
    assert '<table dir="ltr"' in kwic_html(lines, "other")


@pytest.mark.model  # the whole dashboard, with the real model (tests/test_app.py's helpers)
def test_a_chosen_word_is_shown_in_context() -> None:
    at = dashboard("Distinctive words")
    arabic = figure(at, "terms_ar")["data"][0]
    assert all(" vs " in text for text in arabic["text"])  # the counts beside each bar
    chooser = at.selectbox(key=KWIC_KEY)
    assert chooser.value == "" and any(option.endswith("(Arabic)") for option in chooser.options)
    chooser.set_value(f"ar:{arabic['customdata'][0][0]}")  # the chooser itself, as a reader uses it
    run(at)
    shown = [element.proto.body for element in at.get("html")]
    assert any('<table dir="rtl"' in body for body in shown), shown
    assert any("occurrence" in caption.value and "as written" in caption.value for caption in at.caption)
    at.session_state[KWIC_KEY] = f"ar:{arabic['customdata'][1][0]}"  # what a click on the second Arabic bar does
    run(at)
    assert at.selectbox(key=KWIC_KEY).value == f"ar:{arabic['customdata'][1][0]}"
    assert any('<table dir="rtl"' in element.proto.body for element in at.get("html"))
    at.session_state[KWIC_KEY] = "ar:not a word of the list"
    run(at)
    assert at.selectbox(key=KWIC_KEY).value == ""
