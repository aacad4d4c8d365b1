"""The view in the URL: what a link asks for, checked against what the session offers, and what a view writes."""

from __future__ import annotations

import datetime as dt

from views.url_state import Offer, requested_state, url_params

OFFER = Offer(
    views=["Overview", "Over time", "Evidence", "Distinctive words"],
    corpus="seeds",
    languages=["fa", "ar"],
    outlet_languages={"Fars": "fa", "RT Arabic": "ar", "Tasnim": "fa"},
    theme_ids=["terrorism", "limited_mission"],
    dates=(dt.date(2022, 1, 6), dt.date(2022, 1, 13)),
    periods=["day", "week"],
)
DEFAULTS = {
    "corpus": "seeds",
    "view": "Overview",
    "default_view": "Overview",
    "languages": ["fa", "ar"],
    "all_languages": ["fa", "ar"],
    "outlets": ["Fars", "RT Arabic", "Tasnim"],
    "offered_outlets": ["Fars", "RT Arabic", "Tasnim"],
    "theme_ids": ["terrorism", "limited_mission"],
    "all_theme_ids": ["terrorism", "limited_mission"],
    "date_range": None,
    "include_undated": True,
    "thresholds": {"terrorism": 0.1, "limited_mission": -0.2},
    "default_thresholds": {"terrorism": 0.1, "limited_mission": -0.2},
    "tab_state": {"evidence_theme": "terrorism", "terms_theme": "limited_mission"},
}


def test_the_default_view_writes_only_the_corpus() -> None:
    assert url_params(**DEFAULTS) == {"corpus": ["seeds"]}


def test_a_view_round_trips_through_its_url() -> None:
    params = url_params(
        **DEFAULTS
        | {
            "view": "Evidence",
            "languages": ["ar"],
            "outlets": ["RT Arabic"],
            "theme_ids": ["limited_mission"],
            "date_range": (dt.date(2022, 1, 7), dt.date(2022, 1, 10)),
            "include_undated": False,
            "thresholds": {"terrorism": 0.35, "limited_mission": -0.2},
            "tab_state": {"evidence_theme": "limited_mission", "evidence_language": "ar", "evidence_outlet": "all"},
        }
    )
    assert params == {
        "corpus": ["seeds"],
        "view": ["Evidence"],
        "lang": ["ar"],
        "outlet": ["RT Arabic"],
        "theme": ["limited_mission"],
        "from": ["2022-01-07"],
        "to": ["2022-01-10"],
        "undated": ["0"],
        "t_terrorism": ["0.35"],
        "ev_theme": ["limited_mission"],
        "ev_lang": ["ar"],
        "ev_outlet": ["all"],
    }
    state, notes = requested_state(params, OFFER)
    assert notes == []
    assert state == {
        "view": "Evidence",
        "filter_languages": ["ar"],
        "filter_outlets": ["RT Arabic"],
        "filter_themes": ["limited_mission"],
        "filter_dates": (dt.date(2022, 1, 7), dt.date(2022, 1, 10)),
        "filter_undated": False,
        "threshold_terrorism": 0.35,
        "evidence_theme": "limited_mission",
        "evidence_language": "ar",
        "evidence_outlet": "all",
    }


def test_an_empty_selection_is_written_and_read_as_none_chosen() -> None:
    params = url_params(**DEFAULTS | {"languages": []})
    assert params["lang"] == [""]
    assert requested_state(params, OFFER) == ({"filter_languages": []}, [])


def test_invalid_values_are_ignored_each_with_a_note() -> None:
    state, notes = requested_state(
        {
            "view": ["Nowhere"],
            "lang": ["fa", "xx"],
            "outlet": ["Nobody"],
            "from": ["2022-13-01"],
            "t_terrorism": ["abc"],
            "t_limited_mission": ["1e9"],
            "t_ghost": ["0.1"],
            "period": ["month"],
            "undated": ["maybe"],
        },
        OFFER,
    )
    assert state == {"filter_languages": ["fa"]}  # the one value that fits
    assert notes == [
        "view=Nowhere is not one of Overview, Over time, Evidence, Distinctive words",
        "lang=xx is not offered here (fa, ar)",
        "outlet=Nobody is not offered here (Fars, RT Arabic, Tasnim)",
        "from=2022-13-01 is not a date (YYYY-MM-DD)",
        "undated=maybe is not 0 or 1",
        "t_terrorism=abc is not a threshold (a number between -100 and 100)",
        "t_limited_mission=1e9 is not a threshold (a number between -100 and 100)",
        "t_ghost: there is no theme 'ghost'",
        "period=month is not one of day, week",
    ]


def test_dates_are_kept_within_the_corpus_and_a_range_outside_it_is_refused() -> None:
    state, notes = requested_state({"from": ["2021-12-01"], "to": ["2022-01-08"]}, OFFER)
    assert state == {"filter_dates": (dt.date(2022, 1, 6), dt.date(2022, 1, 8))} and notes == []
    state, notes = requested_state({"from": ["2023-01-01"]}, OFFER)
    assert state == {} and notes == ["from/to: no article is dated in that range (the articles run from 2022-01-06 to 2022-01-13)"]
    undated_corpus = Offer(**{**OFFER.__dict__, "dates": None})
    assert requested_state({"to": ["2022-01-08"]}, undated_corpus) == ({}, ["from/to: this corpus has no dated article"])


def test_a_tab_value_the_links_own_filters_leave_out_is_said() -> None:
    """ev_lang=ar with lang=fa, ev_theme=limited_mission with theme=terrorism: the sidebar would not keep them."""
    raw = {"lang": ["fa"], "ev_lang": ["ar"], "theme": ["terrorism"], "ev_theme": ["limited_mission"], "ev_outlet": ["Fars"]}
    state, notes = requested_state(raw, OFFER)
    assert "ev_lang=ar is not one of all, fa" in notes
    assert "ev_theme=limited_mission is not one of terrorism" in notes
    assert state["evidence_outlet"] == "Fars" and "evidence_language" not in state and "evidence_theme" not in state


def test_an_outlet_of_a_language_the_link_leaves_out_is_said() -> None:
    state, notes = requested_state({"lang": ["fa"], "outlet": ["RT Arabic"]}, OFFER)
    assert state == {"filter_languages": ["fa"]}  # the outlet filter is left to the sidebar: every Persian outlet
    assert notes == ["outlet=RT Arabic is not an outlet of lang=fa (Fars, Tasnim)"]
    state, notes = requested_state({"lang": ["fa"], "outlet": ["RT Arabic", "Fars"]}, OFFER)
    assert state == {"filter_languages": ["fa"], "filter_outlets": ["Fars"]}
    assert notes == ["outlet=RT Arabic is not an outlet of lang=fa (Fars, Tasnim)"]


def test_a_huge_or_long_listed_value_is_cut_short_in_its_note() -> None:
    [note] = requested_state({"outlet": ["x" * 200_000]}, OFFER)[1]
    assert note == f"outlet={'x' * 59}… is not offered here (Fars, RT Arabic, Tasnim)"
    many = Offer(**{**OFFER.__dict__, "outlet_languages": {f"Outlet {number:02}": "fa" for number in range(25)}})
    [note] = requested_state({"outlet": ["Nobody"]}, many)[1]
    assert note.endswith(
        "(Outlet 00, Outlet 01, Outlet 02, Outlet 03, Outlet 04, Outlet 05, Outlet 06, Outlet 07, Outlet 08, Outlet 09 and 15 more)"
    )
