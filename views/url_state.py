"""The current view in the URL (``st.query_params``): a link reopens the same view, a reload keeps it.

The URL holds the corpus (``seeds``, or an upload's corpus hash), the tab (``view``), the sidebar
filters (``lang``, ``outlet``, ``theme``, ``from``/``to``, ``undated=0``), the thresholds that differ
from the themes file (``t_<theme id>``) and the open tab's choices (the Evidence tab's theme,
language and outlet, the Distinctive words tab's theme, the timeline's period). Only what differs
from the defaults is written, after every run.

A link is read once per session, on its first run, and checked against what the corpus and the
themes offer: a value that does not fit is ignored and said in a note, never a traceback. The
filters of a link made on another corpus (an upload) wait until that corpus is loaded.

:func:`requested_state` and :func:`url_params` are pure; :func:`read_url`, :func:`apply_url` and
:func:`write_url` move their results between the URL and ``st.session_state``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import cast

import streamlit as st

from analysis.languages import ALL
from analysis.voices import VOICES

SEEDS_CORPUS = "seeds"
FILTER_PARAMS = ("lang", "outlet", "from", "to", "undated", "ev_outlet")
"""Parameters that only make sense for the corpus the link was made on (the Evidence tab's outlet too)."""
THRESHOLD_PREFIX = "t_"
THRESHOLD_LIMIT = 100.0
"""A threshold from a link beyond ±100 is refused (scores are decision values near 0)."""
TAB_PARAMS: dict[str, dict[str, str]] = {
    "Over time": {"period": "timeline_period"},
    "Evidence": {"ev_theme": "evidence_theme", "ev_lang": "evidence_language", "ev_outlet": "evidence_outlet"},
    "Distinctive words": {"words_theme": "terms_theme"},
    "Voices": {"voices_theme": "voices_theme", "voice": "voices_voice"},
}
"""Per tab, its URL parameters and the session keys of the widgets they set."""
REQUEST_KEY, PENDING_KEY, NOTES_KEY = "url_request", "url_pending", "url_notes"


@dataclasses.dataclass(frozen=True)
class Offer:
    """What a link's values are checked against: the tabs, the corpus and the themes of this session."""

    views: Sequence[str]
    corpus: str
    languages: Sequence[str]
    outlet_languages: Mapping[str, str]
    """Each outlet with its languages ("fa", or "fa+ar"), as :attr:`analysis.views.CorpusFacts.outlet_languages`."""
    theme_ids: Sequence[str]
    dates: tuple[dt.date, dt.date] | None
    periods: Sequence[str]


def _choices(values: list[str], options: Sequence[str], name: str, notes: list[str], offered: str = "offered here") -> list[str] | None:
    """The options a repeated parameter names, in the options' order; None (and a note) when it names none of them."""
    named = [value for value in values if value != ""]
    unknown = [value for value in named if value not in options]
    if unknown:
        notes.append(f"{name}={_listed(unknown)} is not {offered} ({_listed(options) or 'nothing'})")
    if named and len(unknown) == len(named):
        return None
    return [option for option in options if option in named]


def _one(values: list[str], options: Sequence[str], name: str, notes: list[str]) -> str | None:
    value = values[-1]
    if value in options:
        return value
    notes.append(f"{name}={_listed([value])} is not one of {_listed(options) or 'nothing'}")
    return None


def _date(value: str, name: str, notes: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        notes.append(f"{name}={_listed([value])} is not a date (YYYY-MM-DD)")
        return None


def _listed(values: Sequence[str], most: int = 10, width: int = 60) -> str:
    """Values for a note, comma-separated: each cut to ``width`` characters and at most ``most`` of them (a link's
    value may be 200,000 characters long, and a corpus may offer thousands of outlets)."""
    shown = [value if len(value) <= width else value[: width - 1] + "…" for value in values[:most]]
    return ", ".join(shown) + (f" and {len(values) - most:,} more" if len(values) > most else "")


def requested_state(raw: Mapping[str, list[str]], offer: Offer) -> tuple[dict[str, object], list[str]]:
    """The session state a link asks for, and a note per value that was ignored.

    Args:
        raw: the link's parameters, each with all its values (``lang=fa&lang=ar`` -> ``["fa", "ar"]``).
        offer: what this session offers.

    Returns:
        ``(state, notes)``: widget keys -> values to set, and one short sentence per ignored value.
    """
    notes: list[str] = []
    state: dict[str, object] = {}
    if "view" in raw and (view := _one(raw["view"], offer.views, "view", notes)):
        state["view"] = view
    if "lang" in raw and (languages := _choices(raw["lang"], offer.languages, "lang", notes)) is not None:
        state["filter_languages"] = languages
    if "outlet" in raw and (outlets := _choices(raw["outlet"], list(offer.outlet_languages), "outlet", notes)) is not None:
        if "filter_languages" in state:  # the sidebar offers the outlets of the chosen languages only
            languages = cast(list[str], state["filter_languages"])
            of_languages = [outlet for outlet in offer.outlet_languages if set(offer.outlet_languages[outlet].split("+")) & set(languages)]
            outlets = _choices(outlets, of_languages, "outlet", notes, f"an outlet of lang={', '.join(languages)}")
        if outlets is not None:
            state["filter_outlets"] = outlets
    if "theme" in raw and (theme_ids := _choices(raw["theme"], offer.theme_ids, "theme", notes)) is not None:
        state["filter_themes"] = theme_ids
    if "from" in raw or "to" in raw:
        if offer.dates is None:
            notes.append("from/to: this corpus has no dated article")
        else:
            low, high = offer.dates
            start = _date(raw["from"][-1], "from", notes) if "from" in raw else low
            end = _date(raw["to"][-1], "to", notes) if "to" in raw else high
            if start is not None and end is not None:
                start, end = max(start, low), min(end, high)
                if start > end:
                    notes.append(f"from/to: no article is dated in that range (the articles run from {low} to {high})")
                else:
                    state["filter_dates"] = (start, end)
    if "undated" in raw:
        flag = raw["undated"][-1]
        if flag in ("0", "1"):
            state["filter_undated"] = flag == "1"
        else:
            notes.append(f"undated={flag} is not 0 or 1")
    for name, values in raw.items():
        if name.startswith(THRESHOLD_PREFIX):
            theme_id = name.removeprefix(THRESHOLD_PREFIX)
            try:
                value = float(values[-1])
            except ValueError:
                value = math.nan
            if theme_id not in offer.theme_ids:
                notes.append(f"{name}: there is no theme {theme_id!r}")
            elif not math.isfinite(value) or abs(value) > THRESHOLD_LIMIT:
                notes.append(f"{name}={values[-1]} is not a threshold (a number between -{THRESHOLD_LIMIT:g} and {THRESHOLD_LIMIT:g})")
            else:
                state[f"threshold_{theme_id}"] = round(value, 2)
    # a tab offers what the sidebar keeps: the link's own languages, outlets and themes when it names them
    themes_kept = cast(list[str], state.get("filter_themes", offer.theme_ids))
    tab_options = {
        "period": offer.periods,
        "ev_theme": themes_kept,
        "words_theme": themes_kept,
        "voices_theme": themes_kept,
        "voice": [ALL, *VOICES],
        "ev_lang": [ALL, *cast(list[str], state.get("filter_languages", offer.languages))],
        "ev_outlet": [ALL, *cast(list[str], state.get("filter_outlets", list(offer.outlet_languages)))],
    }
    for params in TAB_PARAMS.values():
        for name, key in params.items():
            if name in raw and (choice := _one(raw[name], tab_options[name], name, notes)) is not None:
                state[key] = choice
    return state, notes


def url_params(
    *,
    corpus: str,
    view: str,
    default_view: str,
    languages: Sequence[str],
    all_languages: Sequence[str],
    outlets: Sequence[str],
    offered_outlets: Sequence[str],
    theme_ids: Sequence[str],
    all_theme_ids: Sequence[str],
    date_range: tuple[dt.date, dt.date] | None,
    include_undated: bool,
    thresholds: Mapping[str, float],
    default_thresholds: Mapping[str, float],
    tab_state: Mapping[str, object],
) -> dict[str, list[str]]:
    """The URL parameters of a view: the corpus always, everything else only where it differs from the default.

    An empty selection is written as one empty value (``lang=``): none chosen.
    """
    params: dict[str, list[str]] = {"corpus": [corpus]}
    if view != default_view:
        params["view"] = [view]
    for name, chosen, everything in (
        ("lang", languages, all_languages),
        ("outlet", outlets, offered_outlets),
        ("theme", theme_ids, all_theme_ids),
    ):
        if list(chosen) != list(everything):
            params[name] = list(chosen) or [""]
    if date_range is not None:
        params["from"], params["to"] = [date_range[0].isoformat()], [date_range[1].isoformat()]
    if not include_undated:
        params["undated"] = ["0"]
    for theme_id, value in thresholds.items():
        if round(value, 2) != round(default_thresholds.get(theme_id, math.nan), 2):
            params[f"{THRESHOLD_PREFIX}{theme_id}"] = [f"{value:.2f}"]
    for name, key in TAB_PARAMS.get(view, {}).items():
        if tab_state.get(key) is not None:
            params[name] = [str(tab_state[key])]
    return params


# ---------------------------------------------------------------------------------------------
# Between the URL and the session
# ---------------------------------------------------------------------------------------------


def read_url() -> None:
    """On a session's first run, keep the link's parameters to apply once the corpus is known."""
    if REQUEST_KEY in st.session_state:
        return
    st.session_state[REQUEST_KEY] = {name: st.query_params.get_all(name) for name in st.query_params}


def apply_url(offer: Offer) -> None:
    """Set the widgets a link asks for (before they are drawn), and keep a note of what was ignored.

    A link's filters made on another corpus wait in the session until that corpus is loaded.
    """
    raw: dict[str, list[str]] = dict(st.session_state.get(REQUEST_KEY) or {})
    pending: dict[str, list[str]] = st.session_state.get(PENDING_KEY) or {}
    if pending and pending.get("corpus", [""])[-1] == offer.corpus:
        raw |= pending
        del st.session_state[PENDING_KEY]
    st.session_state[REQUEST_KEY] = {}
    if not raw:
        return
    notes: list[str] = []
    linked = raw.pop("corpus", [offer.corpus])[-1]
    if linked != offer.corpus:
        waiting = {name: values for name, values in raw.items() if name in FILTER_PARAMS}
        raw = {name: values for name, values in raw.items() if name not in FILTER_PARAMS}
        if waiting:
            st.session_state[PENDING_KEY] = {"corpus": [linked], **waiting}
            what = "the seed articles" if linked == SEEDS_CORPUS else f"an uploaded corpus ({linked})"
            notes.append(
                f"this link was made on {what}: its language, outlet and date filters apply when that corpus is loaded"
                + ("" if linked == SEEDS_CORPUS else " (upload the same files)")
            )
    state, ignored = requested_state(raw, offer)
    st.session_state.update(state)
    notes += ignored
    known = {"view", "theme", *FILTER_PARAMS, *(name for params in TAB_PARAMS.values() for name in params)}
    notes += [f"{name} is not a parameter of this page" for name in raw if name not in known and not name.startswith(THRESHOLD_PREFIX)]
    if notes:
        st.session_state[NOTES_KEY] = notes


def show_url_notes() -> None:
    """Say once which parts of the link were ignored."""
    notes = st.session_state.pop(NOTES_KEY, None)
    if notes:
        st.warning("Part of this link could not be used and was ignored: " + "; ".join(notes) + ".", icon=":material/link_off:")


def write_url(params: dict[str, list[str]]) -> None:
    """Put the current view in the URL (only when it changed)."""
    current = {name: st.query_params.get_all(name) for name in st.query_params}
    if current != params:
        st.query_params.from_dict(params)
