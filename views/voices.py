"""The Voices tab: whose words carry each theme (the outlet's own or reported speech) and which speakers voice it.

The actors file (who may be a speaker) is the session's: the packaged one until the researcher adds a
candidate speaker or uploads a file; it downloads like the themes file.
"""

from __future__ import annotations

import hashlib
import html
import re

import pandas as pd
import streamlit as st

from analysis import charts, compare
from analysis.html import paragraph_card
from analysis.languages import language_name, language_order
from analysis.voices import (
    ATTRIBUTED,
    DEFAULT_ACTORS_PATH,
    KINDS,
    OUTLET,
    Actor,
    VoicesError,
    actor_labels,
    actors_from_text,
    actors_to_toml,
    add_actor,
    default_actors,
    describe_voice,
    speaker_candidates,
)
from analysis.wording import counted, noun
from views.common import Run, chart, download_buttons, notify, show_notice, show_table

ACTORS_KEY = "actors_toml"
ALL_VOICES = "all"
VOICE_CHOICES = {ALL_VOICES: "Every voice", OUTLET: "The outlet's own words", ATTRIBUTED: "Attributed"}
CANDIDATES_OFFERED = 5
CARDS_SHOWN = 10


def session_actors() -> tuple[Actor, ...]:
    """The session's actors: the packaged file until edited or replaced."""
    if ACTORS_KEY not in st.session_state:
        return default_actors()
    return actors_from_text(st.session_state[ACTORS_KEY], "your actors")


def actors_file_text() -> str:
    """The actors file to download: the packaged one (with its comments) until edited."""
    return st.session_state.get(ACTORS_KEY) or DEFAULT_ACTORS_PATH.read_text(encoding="utf-8")


ACTORS_NOTICE = "actors_notice"


def add_candidate(prefix: str, language: str) -> None:
    """Add the speaker typed into a candidate's form to the session's actors file."""
    state = st.session_state
    actor_id = state.get(f"{prefix}_id", "")
    try:
        actors = add_actor(
            session_actors(),
            actor_id=actor_id,
            label=state.get(f"{prefix}_label", ""),
            kind=state.get(f"{prefix}_kind", KINDS[0]),
            aliases={language: [state.get(f"{prefix}_alias", "")]},
        )
    except VoicesError as error:
        notify("error", str(error), ACTORS_NOTICE)
        return
    state[ACTORS_KEY] = actors_to_toml(actors)
    notify(
        "success", f"Added {actors[-1].label} ({actors[-1].id}) to your actors file; the speakers are found again with it.", ACTORS_NOTICE
    )


def load_uploaded_actors() -> None:
    """Replace the session's actors with an uploaded actors file, or say why it cannot be used."""
    uploaded = st.session_state.get("actors_file")
    if uploaded is None:
        return
    try:
        actors = actors_from_text(uploaded.getvalue().decode("utf-8"), uploaded.name)
    except UnicodeDecodeError:
        notify("error", f"{uploaded.name}: not UTF-8 text; save the actors file as UTF-8", ACTORS_NOTICE)
        return
    except VoicesError as error:
        notify("error", str(error), ACTORS_NOTICE)
        return
    st.session_state[ACTORS_KEY] = actors_to_toml(actors)
    notify("success", f"Loaded {counted(len(actors), 'actor')} from {uploaded.name}.", ACTORS_NOTICE)


def suggested_id(words: str, taken: set[str]) -> str:
    """An id for a new actor: the words' Latin letters when they have some, else "speaker_<n>"."""
    base = re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_")
    base = base if base and base[0].isalpha() else "speaker"
    candidate, number = base, 1
    while candidate in taken or candidate == "speaker":
        number += 1
        candidate = f"{base}_{number}"
    return candidate


def voices_view(run: Run) -> None:
    """Each theme's share by voice, the speakers of each theme, their paragraphs, and candidate speakers."""
    ids, labels = run.selection.theme_ids, run.labels
    actors = session_actors()
    speaker_names = actor_labels(actors)
    st.subheader("Whose words carry each theme")
    st.caption(
        "A paragraph is attributed when it reports someone's words (a reporting verb such as «گفت» or «قال», "
        "«به گزارش» or «وفق», a quotation, a “Speaker: …” headline); otherwise it is the outlet's own voice. "
        "The speaker is an actor of the actors file, or the words found; one the file lacks whom a classifier takes for a "
        'member of the protest movement is "Protesters" (README: "Who voices each frame").'
    )
    voices = compare.theme_voices(run.selected, ids)
    chart(charts.voice_shares_chart(voices, labels=labels), "voices_chart")
    show_table(run, voices, "voices_by_language")

    st.subheader("Who voices each theme")
    speakers = compare.theme_speakers(run.selected, ids)
    offered = list(speakers.groupby("speaker", sort=False)["paragraphs"].sum().sort_values(ascending=False, kind="stable").index)
    chosen = st.multiselect(
        "Speakers",
        offered,
        format_func=lambda speaker: speaker_names.get(speaker, speaker),
        key="voices_speakers",
        placeholder="Every speaker",
        help="Show only these speakers in the chart, the table and the paragraphs below.",
    )
    chosen = [speaker for speaker in chosen if speaker in offered]
    shown = speakers[speakers["speaker"].isin(chosen)] if chosen else speakers
    st.markdown("\n".join(f"- {html.escape(line)}" for line in voicing_lines(voices, speakers, ids, labels, speaker_names)))
    chart(charts.speakers_chart(shown, labels=labels, speaker_labels=speaker_names), "speakers_chart")
    show_table(
        run,
        shown,
        "speakers_by_language",
        shown_as={"speaker": speaker_names},
        headings={"paragraphs": "Attributed paragraphs with theme", "articles": "Articles"},
    )

    st.subheader("The paragraphs, with their speaker")
    theme_column, voice_column = st.columns([1, 2])
    theme = str(theme_column.selectbox("Theme", ids, format_func=lambda theme_id: str(labels.get(theme_id)), key="voices_theme"))
    voice = voice_column.segmented_control(
        "Voice", list(VOICE_CHOICES), format_func=VOICE_CHOICES.__getitem__, key="voices_voice", required=True
    )
    found = voiced_evidence(run, theme, voice or ALL_VOICES, chosen)
    st.markdown(
        f"**{len(found)}** kept {noun(len(found), 'paragraph')} {'carries' if len(found) == 1 else 'carry'} "
        f"**{html.escape(labels[theme])}** here; showing {min(CARDS_SHOWN, len(found))}, strongest first."
    )
    download_buttons(found, f"voices_evidence_{theme}", run.metadata)
    for row in found.head(CARDS_SHOWN).itertuples(index=False):
        with st.container(border=True):
            st.html(paragraph_card(row, f"score {row.score:.2f} · {describe_voice(row.voice, row.speaker, speaker_names)}"))

    candidates_section(run, actors)


def voiced_evidence(run: Run, theme: str, voice: str, speakers: list[str]) -> pd.DataFrame:
    """The kept paragraphs carrying a theme in a voice (and by some speakers), strongest first, with voice and speaker."""
    found = compare.evidence(run.selected, theme)
    found = found.merge(run.selected[["paragraph_id", "voice", "speaker"]], on="paragraph_id", how="left")
    if voice != ALL_VOICES:
        found = found[found["voice"] == voice]
    if speakers:
        named = found["speaker"].fillna("").replace("", compare.UNNAMED_SPEAKER)
        found = found[(found["voice"] == ATTRIBUTED) & named.isin(speakers)]
    return found.reset_index(drop=True)


def voicing_lines(
    voices: pd.DataFrame, speakers: pd.DataFrame, theme_ids: list[str], labels: dict[str, str], speaker_names: dict[str, str]
) -> list[str]:
    """One sentence per theme and language: how much is attributed, and its most frequent speaker."""
    lines = []
    for theme in theme_ids:
        for language in language_order(voices["language"]):
            rows = voices[(voices["theme"] == theme) & (voices["language"] == language)].set_index("voice")
            total = int(rows["theme_paragraphs"].max()) if len(rows) else 0
            if not total:
                continue
            attributed = int(rows.loc[ATTRIBUTED, "with_theme"]) if ATTRIBUTED in rows.index else 0
            line = (
                f"In {language_name(language)} outlets, {attributed} of the {counted(total, 'paragraph')} carrying "
                f"{labels.get(theme, theme)} {'is' if attributed == 1 else 'are'} attributed"
            )
            top = speakers[(speakers["theme"] == theme) & (speakers["language"] == language)].head(1)
            if len(top):
                speaker, count = str(top["speaker"].iloc[0]), int(top["paragraphs"].iloc[0])
                line += f"; most often to {speaker_names.get(speaker, speaker)} ({count} of {total})"
            lines.append(line + ".")
    return lines


def candidates_section(run: Run, actors: tuple[Actor, ...]) -> None:
    """Speakers found but not in the actors file, each with a form to add it; the actors file to download or upload."""
    st.subheader("Speakers not in the actors file")
    st.caption(
        "Words found as the speaker of attributed paragraphs that name no actor of the actors file, most frequent first. "
        "Add one (an id, a name, its kind) and it is recognised wherever those words appear; download the actors file "
        "to keep your additions."
    )
    show_notice(ACTORS_NOTICE)
    candidates = speaker_candidates(run.selected, actors)
    if candidates.empty:
        st.caption("None in this selection: every speaker found is in the actors file.")
    else:
        show_table(run, candidates, "speaker_candidates", headings={"paragraphs": "Attributed paragraphs"})
        taken = {actor.id for actor in actors}
        for row in candidates.head(CANDIDATES_OFFERED).itertuples(index=False):
            prefix = "candidate_" + hashlib.sha256(f"{row.speaker}\x1f{row.language}".encode()).hexdigest()[:10]
            heading = f"Add «{row.speaker}» ({language_name(row.language)}, {counted(int(row.paragraphs), 'paragraph')})"
            with st.expander(heading), st.form(f"{prefix}_form"):
                id_column, label_column, kind_column = st.columns(3)
                id_column.text_input(
                    "Id", value=suggested_id(row.speaker, taken), key=f"{prefix}_id", help="Lowercase letters, digits and _."
                )
                label_column.text_input("Name", value=row.speaker, key=f"{prefix}_label")
                kind_column.selectbox("Kind", KINDS, key=f"{prefix}_kind")
                st.text_input(f"Alias ({language_name(row.language)})", value=row.speaker, key=f"{prefix}_alias")
                st.form_submit_button("Add to the actors file", on_click=add_candidate, args=(prefix, row.language), key=f"{prefix}_add")
    download_column, upload_column = st.columns(2)
    download_column.download_button(
        f"Download the actors file ({counted(len(actors), 'actor')}, TOML)",
        data=actors_file_text(),
        file_name="actors.toml",
        mime="application/toml",
        key="download_actors",
        on_click="ignore",
        icon=":material/download:",
    )
    upload_column.file_uploader("Load an actors file", type=["toml"], key="actors_file", on_change=load_uploaded_actors)
