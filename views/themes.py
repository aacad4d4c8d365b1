"""The Themes tab: edit, add, download and upload themes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import streamlit as st

from analysis.themes import (
    ANCHOR_LANGUAGES,
    Theme,
    ThemeError,
    ThemeSet,
    add_theme,
    lines_to_sentences,
    replace_theme,
    themes_from_upload,
    themes_to_toml,
)
from analysis.wording import counted
from views.common import Run, language_display, notify, preload_model, session_themes, show_notice

EDITOR_KEY = "themes_editor"
THEME_FIELDS = {
    "descriptions": "Descriptions: what the theme is about",
    "examples": "Examples: sentences that carry it",
    "near_misses": "Near misses: look like it but do not carry it",
    "cues": "Cue words (a bonus when present)",
}


def update_themes(change: Callable[[ThemeSet], ThemeSet], success: str) -> bool:
    """Apply a theme change; report a ThemeError instead of applying it."""
    try:
        themes = change(session_themes())
    except ThemeError as error:
        notify("error", str(error))
        return False
    st.session_state["themes_toml"] = themes_to_toml(themes)
    notify("success", success)
    return True


def editor_languages(theme: Theme | None) -> list[str]:
    """Languages the editor shows for a theme: Persian, Arabic, English, then any other it uses."""
    used = [language for field in THEME_FIELDS for language in getattr(theme, field)] if theme else []
    return list(dict.fromkeys([*ANCHOR_LANGUAGES, *used]))


def field_keys(prefix: str, languages: list[str]) -> list[str]:
    """Session keys of an editor form's label and theme fields."""
    return [f"{prefix}_label", *(f"{prefix}_{field}_{language}" for field in THEME_FIELDS for language in languages)]


def edited_fields(prefix: str, languages: list[str]) -> dict[str, Any]:  # Theme fields by name: language -> sentences
    """The theme fields (descriptions, examples, near misses, cues) typed into an editor form, per language."""
    fields = {}
    for field in THEME_FIELDS:
        typed = {language: lines_to_sentences(st.session_state.get(f"{prefix}_{field}_{language}", "")) for language in languages}
        fields[field] = {language: sentences for language, sentences in typed.items() if sentences}
    return fields


def apply_theme_edit(theme_id: str) -> None:
    """Save an edited theme (label and theme fields)."""
    theme = next(theme for theme in session_themes().themes if theme.id == theme_id)
    prefix = f"edit_{theme_id}"
    label = st.session_state[f"{prefix}_label"].strip() or theme.label
    edited = dataclasses.replace(theme, label=label, **edited_fields(prefix, editor_languages(theme)))
    if update_themes(lambda themes: replace_theme(themes, edited), f"Saved “{label}”; the charts are re-scored with it."):
        # The next run compares the paragraphs' themes with these and says which gained or lost one (as after a mark).
        st.session_state["assignment_before_mark"] = st.session_state.get("last_assignment")
        st.session_state["assignment_change_reason"] = f"Saved “{label}”."


def add_new_theme() -> None:
    """Add the theme typed into the "Add a theme" form, and show it in the charts."""
    theme_id = st.session_state["add_id"].strip()
    theme = Theme(theme_id, st.session_state["add_label"].strip(), 0.0, **edited_fields("add", list(ANCHOR_LANGUAGES)))
    if update_themes(lambda themes: add_theme(themes, theme), f"Added “{theme.label or theme_id}”; it now appears in the charts."):
        st.session_state["filter_themes"] = [*st.session_state.get("filter_themes", []), theme_id]
        for key in ["add_id", *field_keys("add", list(ANCHOR_LANGUAGES))]:
            st.session_state[key] = ""


def load_uploaded_themes() -> None:
    """Replace the themes with an uploaded themes file, or report why it cannot be used."""
    uploaded = st.session_state.get("themes_file")
    if uploaded is None:
        return
    try:
        themes = themes_from_upload(uploaded.getvalue().decode("utf-8"), source=uploaded.name)
    except UnicodeDecodeError:
        notify("error", f"{uploaded.name}: not UTF-8 text; save the themes file as UTF-8")
        return
    except ThemeError as error:
        notify("error", str(error))
        return
    for key in [key for key in st.session_state if str(key).startswith(("edit_", "threshold_"))]:
        del st.session_state[key]
    st.session_state["themes_toml"] = themes_to_toml(themes)
    st.session_state["filter_themes"] = themes.ids
    notify("success", f"Loaded {counted(len(themes.ids), 'theme')} from {uploaded.name}.")


def themes_view(run: Run) -> None:
    """Edit, add, download and upload themes."""
    preload_model()  # an edit's new sentence needs the model: loaded while the user writes it
    st.subheader("Themes")
    st.caption(
        "Each theme is learnt from its sentences and from the labelled paragraphs the themes file names: descriptions, "
        "examples and paragraphs labelled with it carry it; its near misses, the background news, the other themes and "
        "the other labelled paragraphs do not. A cue word adds a bonus. Write sentences in any language, one per line. "
        'After a change the corpus is re-scored; only new sentences are embedded (README: "How a paragraph gets a theme").'
    )
    show_notice("theme_notice")
    download_column, upload_column = st.columns(2)
    download_column.download_button(
        "Download the themes (TOML, with the current thresholds)",
        data=themes_to_toml(run.themes),
        file_name="themes.toml",
        mime="application/toml",
        key="download_themes",
        on_click="ignore",
        icon=":material/download:",
    )
    upload_column.file_uploader("Load a themes file", type=["toml"], key="themes_file", on_change=load_uploaded_themes)
    # Streamlit's "Press Ctrl+Enter to submit form" sits inside the text box, over the end of a right-to-left line: it is
    # hidden here and said once above the editors instead.
    st.html(f"<style>.st-key-{EDITOR_KEY} [data-testid='InputInstructions'] {{ display: none; }}</style>")
    st.caption("One sentence per line. **Ctrl+Enter** in a box applies its form, as the button does.")
    with st.container(key=EDITOR_KEY):
        for theme in run.themes.themes:
            with st.expander(f"{theme.label} · `{theme.id}` · threshold {theme.threshold:.2f}"), st.form(f"edit_{theme.id}_form"):
                theme_fields(f"edit_{theme.id}", theme)
                st.form_submit_button("Apply changes", on_click=apply_theme_edit, args=(theme.id,), type="primary", key=f"save_{theme.id}")
        add_theme_form()


def add_theme_form() -> None:
    """The "Add a theme" form."""
    st.markdown("##### Add a theme")
    with st.form("add_form"):
        st.text_input(
            "Id", key="add_id", placeholder="e.g. economic_grievances", help="Lowercase letters, digits and _; it names the score column."
        )
        theme_fields("add", None)
        st.form_submit_button("Add theme", on_click=add_new_theme, type="primary", key="save_new_theme")


def theme_fields(prefix: str, theme: Theme | None) -> None:
    """The label and, per language, the theme fields (one sentence or cue per line)."""
    st.text_input("Label", value=theme.label if theme else "", key=f"{prefix}_label")
    languages = editor_languages(theme)
    for column, language in zip(st.columns(len(languages)), languages, strict=True):
        with column:
            st.markdown(f"**{language_display(language)}**")
            for field, title in THEME_FIELDS.items():
                value = "\n".join(getattr(theme, field).get(language, ())) if theme else ""
                # The whole list, however long ("content": the box grows with its lines).
                st.text_area(title, value=value, key=f"{prefix}_{field}_{language}", height="content")
