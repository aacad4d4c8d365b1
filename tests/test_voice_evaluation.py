"""Tests for analysis.voice_evaluation: voice accuracy and speaker precision / recall against labels."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from analysis.embed import Embedder
from analysis.labels import EVALUATION_LABELS, LabelsError, load_labels
from analysis.speaker_groups import shipped_group
from analysis.voice_evaluation import has_voice_labels, voice_metrics, voice_predictions, voice_report
from analysis.voices import default_actors
from tests.helpers import bench_script

LABELS = EVALUATION_LABELS
IDS = ["terrorism", "foreign_interference", "limited_mission"]
# The goal (issue 10): voice accuracy >= 0.90 and speaker F1 >= 0.80 in each language.
GOAL_VOICE_ACCURACY = 0.90
GOAL_SPEAKER_F1 = 0.80


def labels(*rows: tuple[str, str, str, str, str]) -> pd.DataFrame:
    """Rows of (doc_id, language, text, voice, speaker)."""
    return pd.DataFrame(rows, columns=["doc_id", "language", "text", "voice", "speaker"])


def test_metrics_count_actor_ids_only() -> None:
    table = labels(
        ("a", "ar", "وقال توكاييف إن المعركة حقيقية.", "attributed", "tokayev"),  # right
        ("a", "ar", "استقالت الحكومة.", "outlet", ""),  # right
        ("a", "ar", "وقال محافظ ألماتي إن المطار فتح.", "attributed", "tokayev"),  # raw words: no actor found
        ("b", "ar", "وقال لافروف إن القوات ستنسحب.", "attributed", "putin"),  # wrong actor
        ("b", "ar", "نص بلا تسمية", "", ""),  # not labelled: left out
    )
    predictions = voice_predictions(table)
    assert len(predictions) == 4
    row = voice_metrics(predictions).set_index("language").loc["ar"]
    assert row["voice_accuracy"] == 1.0
    assert (row["speakers_labelled"], row["speakers_found"]) == (3, 2)
    assert row["precision"] == pytest.approx(1 / 2)
    assert row["recall"] == pytest.approx(1 / 3)
    assert row["f1"] == pytest.approx(2 * (1 / 2) * (1 / 3) / (1 / 2 + 1 / 3))


def test_a_language_without_speakers_has_no_figure() -> None:
    row = voice_metrics(voice_predictions(labels(("a", "fa", "استعفای دولت پذیرفته شد.", "outlet", "")))).iloc[0]
    assert row["voice_accuracy"] == 1.0 and math.isnan(row["precision"]) and math.isnan(row["recall"])


def test_tables_concatenated_with_repeated_row_labels_are_read_row_by_row() -> None:
    fresh = [pd.read_csv(FRESH_SETS[name], dtype=str, keep_default_na=False) for name in ("first", "second")]
    repeated = voice_metrics(voice_predictions(pd.concat(fresh)))  # each part's index starts at 0
    assert repeated.equals(voice_metrics(voice_predictions(pd.concat(fresh, ignore_index=True))))


def test_a_bad_voice_is_a_clear_error() -> None:
    with pytest.raises(LabelsError, match="must hold outlet or attributed"):
        voice_predictions(labels(("a", "fa", "متن", "quoted", "")))


def test_files_without_voices_are_recognised() -> None:
    assert not has_voice_labels(labels(("a", "fa", "متن", "", "")))
    assert not has_voice_labels(labels(("a", "fa", "متن", "", "")).drop(columns="voice"))


def test_the_seed_paragraphs_meet_the_goal() -> None:
    """The 66 seed paragraphs (21 Persian, 45 Arabic), labelled by hand. The patterns were written
    while reading these same paragraphs: an in-sample figure, a guard against regressions (README)."""
    predictions = voice_predictions(load_labels(LABELS, IDS))
    assert len(predictions) == 66
    metrics = voice_metrics(predictions).set_index("language")
    for language in ("fa", "ar"):
        assert metrics.loc[language, "voice_accuracy"] >= GOAL_VOICE_ACCURACY
        assert metrics.loc[language, "f1"] >= GOAL_SPEAKER_F1


def test_report_block(fake_embedder: Embedder) -> None:
    text, as_json = voice_report(load_labels(LABELS, IDS), fake_embedder)  # a model without a speaker group: the rules
    assert "== Voices: 66 paragraphs with a labelled voice ==" in text
    assert "voice_accuracy" in text and "precision" in text
    assert {row["language"] for row in as_json["metrics"]} == {"fa", "ar", "all"}  # type: ignore[attr-defined]


WRITTEN = Path(__file__).parent / "data" / "voices_written.csv"


def _written_metrics() -> pd.DataFrame:
    written = pd.read_csv(WRITTEN, dtype=str, keep_default_na=False)
    return voice_metrics(voice_predictions(written)).set_index("language")


def test_written_paragraphs_stay_found() -> None:
    """20 paragraphs (10 per language) written and labelled after the first patterns and measured once then
    (voice accuracy fa 0.90, ar 0.80; speaker F1 fa 0.91, ar 0.83; README). Their misses were read, and the
    patterns were later extended by class of verb (docs/labelling.md, section 6), so they are no longer an
    independent measure: a guard against regressions only, at the first measurement's floors minus one
    paragraph's worth. The independent figure is the fresh set's (below)."""
    metrics = _written_metrics()
    assert metrics.loc["all", "paragraphs"] == 20
    for language in ("fa", "ar"):
        assert metrics.loc[language, "voice_accuracy"] >= 0.70
        assert metrics.loc[language, "f1"] >= 0.70


FRESH_SETS = {
    "first": Path(__file__).parent / "data" / "voices_fresh.csv",
    "second": Path(__file__).parent / "data" / "voices_fresh2.csv",
    "third": Path(__file__).parent / "data" / "voices_fresh3.csv",
    "fourth": Path(__file__).parent / "data" / "voices_fresh4.csv",
    "fifth": Path(__file__).parent / "data" / "voices_fresh5.csv",
    "sixth": Path(__file__).parent / "data" / "voices_fresh6.csv",
    "seventh": Path(__file__).parent / "data" / "voices_fresh7.csv",
    "eighth": Path(__file__).parent / "data" / "voices_fresh8.csv",
    "ninth": Path(__file__).parent / "data" / "voices_fresh9.csv",
    "tenth": Path(__file__).parent / "data" / "voices_fresh10.csv",
    "eleventh": Path(__file__).parent / "data" / "voices_fresh11.csv",
    "twelfth": Path(__file__).parent / "data" / "voices_fresh12.csv",
    "thirteenth": Path(__file__).parent / "data" / "voices_fresh13.csv",
    "fourteenth": Path(__file__).parent / "data" / "voices_fresh14.csv",
    "fifteenth": Path(__file__).parent / "data" / "voices_fresh15.csv",
    "sixteenth": Path(__file__).parent / "data" / "voices_fresh16.csv",
    "seventeenth": Path(__file__).parent / "data" / "voices_fresh17.csv",
    "eighteenth": Path(__file__).parent / "data" / "voices_fresh18.csv",
    "nineteenth": Path(__file__).parent / "data" / "voices_fresh19.csv",
    "twentieth": Path(__file__).parent / "data" / "voices_fresh20.csv",
    "twenty-first": Path(__file__).parent / "data" / "voices_fresh21.csv",
    "twenty-second": Path(__file__).parent / "data" / "voices_fresh22.csv",
    "twenty-third": Path(__file__).parent / "data" / "voices_fresh23.csv",
    "twenty-fourth": Path(__file__).parent / "data" / "voices_fresh24.csv",
    "twenty-fifth": Path(__file__).parent / "data" / "voices_fresh25.csv",
    "twenty-sixth": Path(__file__).parent / "data" / "voices_fresh26.csv",
    "twenty-seventh": Path(__file__).parent / "data" / "voices_fresh27.csv",
    "twenty-eighth": Path(__file__).parent / "data" / "voices_fresh28.csv",
    "twenty-ninth": Path(__file__).parent / "data" / "voices_fresh29.csv",
    "thirtieth": Path(__file__).parent / "data" / "voices_fresh30.csv",
    "thirty-first": Path(__file__).parent / "data" / "voices_fresh31.csv",
    "thirty-second": Path(__file__).parent / "data" / "voices_fresh32.csv",
    "thirty-third": Path(__file__).parent / "data" / "voices_fresh33.csv",
    "thirty-fourth": Path(__file__).parent / "data" / "voices_fresh34.csv",
    "thirty-fifth": Path(__file__).parent / "data" / "voices_fresh35.csv",
    "thirty-sixth": Path(__file__).parent / "data" / "voices_fresh36.csv",
    "thirty-seventh": Path(__file__).parent / "data" / "voices_fresh37.csv",
    "thirty-eighth": Path(__file__).parent / "data" / "voices_fresh38.csv",
    "thirty-ninth": Path(__file__).parent / "data" / "voices_fresh39.csv",
    "fortieth": Path(__file__).parent / "data" / "voices_fresh40.csv",
    "forty-first": Path(__file__).parent / "data" / "voices_fresh41.csv",
    "forty-second": Path(__file__).parent / "data" / "voices_fresh42.csv",
    "forty-third": Path(__file__).parent / "data" / "voices_fresh43.csv",
}


def _fresh_metrics(name: str) -> pd.DataFrame:
    fresh = pd.read_csv(FRESH_SETS[name], dtype=str, keep_default_na=False)
    return voice_metrics(voice_predictions(fresh)).set_index("language")


@pytest.mark.parametrize(
    ("name", "paragraphs"),
    [
        ("first", (92, 85)),
        ("second", (88, 98)),
        ("third", (91, 98)),
        ("fourth", (97, 98)),
        ("fifth", (98, 98)),
        ("sixth", (99, 100)),
        ("seventh", (100, 100)),
        ("eighth", (99, 100)),
        ("ninth", (99, 100)),
        ("tenth", (102, 105)),
        ("eleventh", (101, 107)),
        ("twelfth", (108, 105)),
        ("thirteenth", (106, 103)),
        ("fourteenth", (102, 107)),
        ("fifteenth", (103, 103)),
        ("sixteenth", (102, 102)),
        ("seventeenth", (104, 104)),
        ("eighteenth", (105, 104)),
        ("nineteenth", (107, 103)),
        ("twentieth", (110, 106)),
        ("twenty-first", (108, 106)),
        ("twenty-second", (108, 107)),
        ("twenty-third", (108, 108)),
        ("twenty-fourth", (112, 107)),
        ("twenty-fifth", (105, 107)),
        ("twenty-sixth", (107, 107)),
        ("twenty-seventh", (107, 109)),
        ("twenty-eighth", (107, 106)),
        ("twenty-ninth", (107, 107)),
        ("thirtieth", (106, 107)),
        ("thirty-first", (105, 106)),
        ("thirty-second", (108, 109)),
        ("thirty-third", (108, 108)),
        ("thirty-fourth", (105, 107)),
        pytest.param(
            "thirty-fifth",
            (109, 107),
            marks=pytest.mark.xfail(strict=True, reason="Persian voice accuracy 0.899 (98 of 109) at fed421b, below the goal 0.90"),
        ),
        ("thirty-sixth", (105, 108)),
        ("thirty-seventh", (112, 112)),
        ("thirty-eighth", (110, 107)),
        ("thirty-ninth", (108, 106)),
        pytest.param(
            "fortieth",
            (108, 107),
            marks=pytest.mark.xfail(strict=True, reason="Persian voice accuracy 0.898 (97 of 108) at c957c9f, below the goal 0.90"),
        ),
        ("forty-first", (106, 108)),
        ("forty-second", (107, 108)),
        ("forty-third", (105, 108)),
    ],
)
def test_fresh_sets_meet_the_voice_goal(name: str, paragraphs: tuple[int, int]) -> None:
    """Fresh sets on eight events each, absent from every other file, written and labelled by writers
    who read only docs/labelling.md and the actor ids, each after the patterns of its time were committed
    and measured once (README, "Who voices each frame"):

    - first (tests/data/voices_fresh.csv: Sri Lanka 2022, Armenia 2018, Burkina Faso 2022, Gabon 2023,
      Kenya 2024, Kosovo 2023, Bolivia 2019, Chad 2021), at 5328745: voice accuracy fa 0.91, ar 0.94;
      speaker F1 fa 0.73, ar 0.69. Its misses were then read and the speaker rules changed (f8f1300);
    - second (tests/data/voices_fresh2.csv: Myanmar 2021, Peru 2022, Senegal 2024, Bangladesh 2024, Tigray
      2020, Zimbabwe 2017, Guinea 2021, Colombia 2021; two writers, one per language), at f8f1300: voice
      accuracy fa 0.95, ar 0.97; speaker F1 fa 0.70, ar 0.44. Its misses were then read and the speaker
      rules changed again (b1b372e);
    - third (tests/data/voices_fresh3.csv: Thailand 2014, Egypt 2013, Nicaragua 2018, Madagascar 2009,
      Burundi 2015, Chile 2019, Ecuador 2019, Algeria 2019; one writer per language), at b1b372e: voice
      accuracy fa 0.92, ar 0.92; speaker F1 fa 0.70, ar 0.75. Its misses were then read, and titles dated and
      speakers the file lacks kept (49b81dd);
    - fourth (tests/data/voices_fresh4.csv: Andijan 2005, Honduras 2009, Mauritania 2008, Nepal 2006, Togo 2005,
      Fiji 2006, Maldives 2012, Oaxaca 2006; one writer per language, articles dated), at 49b81dd: voice
      accuracy fa 0.97, ar 0.90 (0.898: 88 of 98); speaker F1 fa 0.83, ar 0.76. Arabic rules then changed (0c64f85:
      quoted names after head nouns, speech words in their speech uses), judged on the first three sets only;
    - fifth (tests/data/voices_fresh5.csv: Serbia 2000, Philippines 1986, Indonesia 1998, South Korea 2024, Uganda
      2021, Paraguay 2012, Mongolia 2008, Moldova 2009; one writer per language, articles dated), at 0c64f85: voice
      accuracy fa 0.96, ar 0.98; speaker F1 fa 0.92, ar 0.73. The fourth and fifth sets were then read and the Arabic
      rules changed (a3bc78b: back references, passives, «كان … قد», named spokespersons, chants);
    - sixth (tests/data/voices_fresh6.csv: Eswatini 2021, Cuba 2021, Ethiopia 2016, Iceland 2009, France 2018, Brazil
      2013, Sudan 2019, Tonga 2006; one writer per language, articles dated), at a3bc78b: voice accuracy fa 0.92,
      ar 0.94; speaker F1 fa 0.82, ar 0.79. The sixth set was then read and the rules changed (89feed5: prepositions
      written apart, partitives);
    - seventh (tests/data/voices_fresh7.csv: Albania 1997, Argentina 2001, Romania 1989, Bulgaria 1997, Malawi 2011,
      Nigeria 2020, Hungary 2006, Iraq 2019; one writer per language, articles dated), at 8720761: voice accuracy fa
      0.87, ar 0.92; speaker F1 fa 0.74, ar 0.78. Then read: Persian headlines «Name: words», Persian chants and
      passives, Arabic oblique plurals, someone of a body named after it (6fb1130);
    - eighth and ninth, measured together (tests/data/voices_fresh8.csv: Turkey 2013, Morocco 2011, Spain 2017, Malaysia
      2015, Cameroon 2017, Greece 2008, Taiwan 2014, Guatemala 2015; voices_fresh9.csv: Estonia 2007, Cambodia 2014,
      DRC 2018, Azerbaijan 2003, Latvia 2009, Benin 2019, Bolivia 2003, Israel 2023; four writers), at bd12add: voice
      accuracy fa 0.96, ar 0.92; speaker F1 fa 0.76, ar 0.79. Then read (session 8): chants «شعار «…» سر دادند», the
      protest movement's own (leaders, organisers, strikers), a passive after a named relay, a name before its
      apposition's comma, a correspondent's quoted outlet, Erdoğan's and Biden's titles (3099d1c);
    - tenth and eleventh, measured together (tests/data/voices_fresh10.csv: Georgia 2003, Kyrgyzstan 2005, Ukraine 2004,
      Lebanon 2019, Tunisia 2011, Kuwait 2012, Slovakia 2018, Zambia 2016; voices_fresh11.csv: North Macedonia 2015,
      Montenegro 2015, Tanzania 2020, Bosnia 2014, Portugal 1974, Poland 1980, Ghana 2021, Lithuania 1991; four writers,
      under the settled `protesters` convention), at 3099d1c: voice accuracy fa 0.94, ar 0.94; speaker F1 fa 0.69,
      ar 0.81. Then read: groups, supporters, construct plurals, a subject the file lacks kept, a verb's colon (f5ff127);
    - twelfth and thirteenth, measured together (tests/data/voices_fresh12.csv: Russia 2011, UK 2011, Oman 2011, Panama
      2022, South Sudan 2013, Liberia 2019, USA 2020, Canada 2022; voices_fresh13.csv: China 1989, India 2020,
      Guinea-Bissau 2022, Congo-Brazzaville 1997, Saudi Arabia 2011, El Salvador 2020, Netherlands 2019, Mexico 2014;
      four writers), at f5ff127: voice accuracy fa 0.95, ar 0.94; speaker F1 fa 0.75, ar 0.75. Then read (session 9): the
      movement's participants and organisers in more words, «، از» appositions, slogans carried, placards, crowds
      «الموالية», a statement's author after «بيان ل», «يذكر» as "notable" (3b96aed);
    - fourteenth and fifteenth, measured together (tests/data/voices_fresh14.csv: Egypt 2011, Iran 2009, Ukraine 2014,
      Kyrgyzstan 2020, Armenia 2008, Thailand 2010, Burkina Faso 2014, Venezuela 2014; voices_fresh15.csv: Yemen 2011,
      Lebanon 2005, Hong Kong 2014, Belarus 2006, Georgia 2019, Mali 2012, Algeria 1988, Bulgaria 2013; four writers),
      at 3b96aed: voice accuracy fa 0.97, ar 0.91 (the fifteenth's Arabic alone 0.893: 92 of 103); speaker F1 fa 0.78,
      ar 0.77. Then read: Arabic headlines «Name: …» of speakers the file lacks (not a country, not a byline), a source
      quoted after «نقلا عن», pronoun subjects «وأنها تعتبر», «لكن»'s oblique subject, a Persian name with its
      apposition between commas, researchers as experts, counter-marches (66dd0b8);
    - sixteenth and seventeenth, measured together (tests/data/voices_fresh16.csv: Iraq 2011, Jordan 2018, Chile 2011,
      South Africa 2021, Kenya 2008, Nigeria 2012, Haiti 2019, Romania 2017; voices_fresh17.csv: Philippines 2001, Peru
      2020, Sudan 2021, Lebanon 2015, Iran 2019, Pakistan 2007, Bangladesh 2013, Serbia 2024; four writers), at 66dd0b8:
      voice accuracy fa 0.99, ar 0.92; speaker F1 fa 0.80 (0.795), ar 0.76. Then read: a Persian «این خبرگزاری» names the
      agency a relay named, a name opening its sentence with a two-comma apposition speaks, «فرمودند», the movement's
      coordinators and construct plurals, a UN mission, a head noun with a preposition is no name (a03fc73);
    - eighteenth and nineteenth, measured together (tests/data/voices_fresh18.csv: Burkina Faso 2015, Togo 2017, Gabon
      2016, Senegal 2021, Mali 2020, Kenya 2017, Zimbabwe 2019, Guinea 2020; voices_fresh19.csv: Georgia 2007, Ukraine
      2000, Belarus 2010, Russia 2017, Azerbaijan 2013, Moldova 2015, Romania 2012, Armenia 2015; four writers), at
      a03fc73: voice accuracy fa 0.97, ar 0.97; speaker F1 fa 0.77, ar 0.75. Then read (session 10): the movement's
      leaders, coordinators, founders and spokespeople by their role, the opposition's leader or candidate, a protester
      alone, an EU observer mission, a UN office, a dated deputy minister's title (8f15587), Arabic participles (2ffc61c);
    - twentieth and twenty-first, measured together (tests/data/voices_fresh20.csv: Morocco 2016, Sudan 2013, Iran 2017,
      Iraq 2015, Egypt 2019, Tunisia 2018, Algeria 2001, Jordan 2012; voices_fresh21.csv: Kazakhstan 2011, Uzbekistan
      2022, Tajikistan 2022, Mongolia 2022, Georgia 2023, Armenia 2020, Russia 2021, Belarus 2017; four writers), at
      2ffc61c: voice accuracy fa 0.95, ar 0.98; speaker F1 fa 0.80 (0.798), ar 0.79 (0.785). Then read (session 10):
      Nazarbayev's dated title, «الناطقة» titles, a Persian crowd chanting in the present singular, rallies «در حمایت از
      نظام», welcoming as speech, the movement's coordinators «منسق حراك», strikers, women taking part (3a5fdc9);
    - twenty-second and twenty-third, measured together (tests/data/voices_fresh22.csv: Paraguay 2017, Brazil 2016,
      Colombia 2019, Argentina 2018, Pakistan 2022, Sri Lanka 2018, Maldives 2018, Nepal 2015; voices_fresh23.csv: Iraq
      2022, Tunisia 2021, Egypt 2016, Jordan 2020, Algeria 2011, Mauritania 2019, Lebanon 2020, Israel 2011; four
      writers), at 3a5fdc9: voice accuracy fa 0.93, ar 0.96; speaker F1 fa 0.79, ar 0.77. Then read: one who took part
      in the march or the sit-in, «وجوه التنسيقية», the body that called the protests, «کمیته ملی اعتصاب», «رهبران
      اعتراض‌ها», and the president's supporters «المؤيدين للرئيس»، «هواداران رئیس‌جمهور» for the authorities (f5503c3);
    - twenty-fourth and twenty-fifth, measured together (tests/data/voices_fresh24.csv: Venezuela 2017, Bolivia 2008,
      Ecuador 2015, Honduras 2017, Haiti 2021, Cuba 1994, Guatemala 2023, Peru 2023; voices_fresh25.csv: Kazakhstan
      2019, Russia 2012, Armenia 2016, Georgia 2011, Azerbaijan 2011, Belarus 2011, Moldova 2023, Tajikistan 2012; four
      writers), at f5503c3: voice accuracy fa 0.95, ar 0.94; speaker F1 fa 0.80 (0.797), ar 0.78. Then read (session
      11): a name whose apposition makes them one of the movement («… وأحد منظمي المسيرة»، «… و از گردانندگان تجمع»),
      a statement «صادر عن» its author, a demonstrative after a title is no name (d58af1d);
    - twenty-sixth and twenty-seventh, measured together (tests/data/voices_fresh26.csv: Iran 2021, Iraq 2018, Jordan
      2019, Egypt 2020, Tunisia 2013, Libya 2022, Yemen 2014, Algeria 2015; voices_fresh27.csv: Kazakhstan 2016,
      Kyrgyzstan 2013, Armenia 2023, Georgia 2012, Russia 2018, Turkey 2016, Pakistan 2014, Afghanistan 2016; four
      writers), at d58af1d: voice accuracy fa 0.93, ar 0.93 (the twenty-sixth's Arabic alone 0.897: 96 of 107, an
      expected failure until read); speaker F1 fa 0.84, ar 0.77. Then read (session 11): a name after a relay's comma,
      the outlet's correspondent going on «وأضاف أن», capitals as datelines, negated verbs, the movement's coordinators
      and participants in more words, crowds carrying the president's portraits (95f26ce);
    - twenty-eighth and twenty-ninth, measured together (tests/data/voices_fresh28.csv: Egypt 2008, Jordan 2022, Tunisia
      2008, Libya 2013, Yemen 2017, Iran 2011, Iraq 2016, Lebanon 2006; voices_fresh29.csv: Kazakhstan 2020, Tajikistan
      2014, Kyrgyzstan 2002, Armenia 2004, Georgia 2009, Azerbaijan 2005, Russia 2019, Turkey 2007; four writers), at
      95f26ce: voice accuracy fa 0.94, ar 0.96; speaker F1 fa 0.83, ar 0.83 (the goal met in both). Not read: the rules
      stayed frozen until the next pair was measured with them;
    - thirtieth and thirty-first, measured together (tests/data/voices_fresh30.csv: Kuwait 2006, Morocco 2008, Mauritania
      2011, Iraq 2021, Egypt 2012, Libya 2018, Sudan 2012, Tunisia 2016; voices_fresh31.csv: Kazakhstan 2006, Armenia
      2013, Georgia 2015, Azerbaijan 2020, Russia 2013, Tajikistan 2021, Afghanistan 2012, Pakistan 2017; four writers),
      at 95f26ce's rules, frozen, to replicate the pair before: voice accuracy fa 0.93, ar 0.93; speaker F1 fa 0.800, ar
      0.77: the Arabic pass did not replicate. Then read, with the twenty-eighth and twenty-ninth (session 11): a verb
      inside a relay's reported words, Persian statements «در بیانیه‌ای», the Kremlin's press secretary, protest
      committees and participants in more words (2c3c3f2);
    - thirty-second and thirty-third, measured together (tests/data/voices_fresh32.csv: Iraq 2013, Algeria 2014, Egypt
      2005, Jordan 2024, Yemen 2013, Libya 2012, Iran 2020, Mauritania 2012; voices_fresh33.csv: Kazakhstan 2021,
      Kyrgyzstan 2006, Armenia 2011, Georgia 2020, Russia 2020, Tajikistan 2015, Turkey 2017, Afghanistan 2017; four
      writers), at 2c3c3f2: voice accuracy fa 0.91, ar 0.94; speaker F1 fa 0.72, ar 0.68. Then read (session 11):
      Biden's title as vice president, Rahmon's name as spelt «رحمن», the movement's spokespeople and coordinators in
      more words, a Persian crowd shouting, crowds with the government's backing (fed421b);
    - thirty-fourth and thirty-fifth, measured together (tests/data/voices_fresh34.csv: Bahrain 2012, Tunisia 2022, Sudan
      2016, Yemen 2018, Morocco 2013, Oman 2021, Algeria 2017, Syria 2004; voices_fresh35.csv: Armenia 2021, Georgia
      2021, Azerbaijan 2019, Russia 2022, Afghanistan 2015, Pakistan 2019, Turkey 2015, Kazakhstan 2012; four writers),
      at fed421b: voice accuracy fa 0.91, ar 0.93 (the thirty-fifth's Persian alone 0.899: 98 of 109, an expected
      failure above); speaker F1 fa 0.81, ar 0.76. Not read: the rules stayed at fed421b while the next pair was written;
    - thirty-sixth and thirty-seventh, measured together (tests/data/voices_fresh36.csv: Lebanon 2012, Egypt 2010, Morocco
      2019, Yemen 2012, Bahrain 2014, Sudan 2011, Oman 2012, Kuwait 2021; voices_fresh37.csv: Kazakhstan 2018, Kyrgyzstan
      2019, Armenia 2022, Georgia 2018, Russia 2015, Turkey 2014, Afghanistan 2018, Pakistan 2021; four writers), at
      fed421b, to replicate the pair before: voice accuracy fa 0.95, ar 0.93; speaker F1 fa 0.79, ar 0.82. Then read,
      with the thirty-fourth and thirty-fifth (session 12): speakers the file lacks who address a rally's crowd, Persian
      «خواستار» whatever verb follows (f3a6645, e799009), and the speaker group fitted on every read set (6e12fae);
    - thirty-eighth and thirty-ninth, measured together (tests/data/voices_fresh38.csv: Iraq 2020, Jordan 2011, Bahrain
      2013, Kuwait 2011, Egypt 2014, Tunisia 2012, Libya 2014, Algeria 2012; voices_fresh39.csv: Uzbekistan 2016,
      Tajikistan 2018, Armenia 2019, Azerbaijan 2021, Georgia 2013, Belarus 2021, Moldova 2022, Russia 2014; four
      writers), at 6e12fae: voice accuracy fa 0.93, ar 0.93; speaker F1 with the speaker group fa 0.84, ar 0.77 (the
      rules alone 0.80 / 0.74). Not read: the rules and the group stayed at c957c9f while the next pair was written;
    - fortieth and forty-first, measured together (tests/data/voices_fresh40.csv: Iraq 2012, Lebanon 2017, Jordan 2016,
      Egypt 2017, Tunisia 2019, Libya 2016, Morocco 2017, Sudan 2018; voices_fresh41.csv: Kazakhstan 2015, Kyrgyzstan
      2016, Armenia 2017, Georgia 2016, Azerbaijan 2016, Russia 2016, Belarus 2015, Turkey 2018; four writers), at
      c957c9f, to replicate the pair before: voice accuracy fa 0.92, ar 0.93 (the fortieth's Persian alone 0.898, 97 of
      108, an expected failure above); speaker F1 with the speaker group fa 0.87, ar 0.83 (the rules alone 0.84 / 0.82).
      Not read;
    - forty-second and forty-third, measured together (tests/data/voices_fresh42.csv: Iraq 2017, Lebanon 2011, Jordan
      2013, Egypt 2018, Tunisia 2015, Libya 2019, Morocco 2012, Algeria 2016; voices_fresh43.csv: Kazakhstan 2010,
      Kyrgyzstan 2015, Armenia 2014, Georgia 2014, Azerbaijan 2018, Russia 2010, Belarus 2019, Tajikistan 2016; four
      writers), with the same rules and group, to replicate the two pairs before: voice accuracy fa 0.98, ar 0.94;
      speaker F1 with the speaker group fa 0.90, ar 0.88 (the rules alone 0.90 / 0.89; below). Not read.

    The voice goal (0.90) holds on every other set as the rules stand (the twenty-sixth's Arabic, 0.897 at d58af1d, and the
    fifteenth's Arabic, 0.893 at 3b96aed, since their misses were read; the fourth, where Arabic fell one paragraph short at
    49b81dd, and the seventh, Persian 0.87 at 8720761, reach it since their misses were read: development figures)."""
    metrics = _fresh_metrics(name)
    assert (metrics.loc["fa", "paragraphs"], metrics.loc["ar", "paragraphs"]) == paragraphs
    for language in ("fa", "ar"):
        assert metrics.loc[language, "voice_accuracy"] >= GOAL_VOICE_ACCURACY


LATEST: tuple[str, ...] = ("forty-second", "forty-third")
"""The latest fresh sets, measured together (one set names too few speakers to judge the goal) and not read; none
while the next pair is being written."""


SAME_METHOD = ("thirty-eighth", "thirty-ninth", "fortieth", "forty-first", "forty-second", "forty-third")
"""The fresh sets measured with the same speaker rules and speaker group (session 12), none read."""


def _analysed_metrics(names: tuple[str, ...]) -> pd.DataFrame:
    """Some fresh sets' figures, pooled, as an analysis finds the speakers: the rules, then the shipped speaker group."""
    from analysis.embed import make_embedder

    pooled = pd.concat([pd.read_csv(FRESH_SETS[name], dtype=str, keep_default_na=False) for name in names], ignore_index=True)
    embedder = make_embedder()
    predictions = voice_predictions(pooled, group=shipped_group(embedder.model_id), embed=embedder.embed)
    return voice_metrics(predictions).set_index("language")


BELOW_THE_GUARD = {"thirty-fourth": "Arabic speaker F1 0.636 at fed421b: measured once (with the thirty-fifth), not read"}
"""Sets under the regression guard's floor as measured, before their misses were read (their rules were never fitted to
them): strict expected failures, not a lower floor."""


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=BELOW_THE_GUARD[name])) if name in BELOW_THE_GUARD else name
        for name in FRESH_SETS
        if name not in LATEST
    ],
)
def test_fresh_sets_stay_found(name: str) -> None:
    """A regression guard at the floor of the written paragraphs' guard (0.70): most of these sets' misses have been read
    and the speaker rules changed by them (README), so those are development figures, not independent ones; the
    thirty-fourth and thirty-fifth were measured and not read. The latest sets are held to the goal below."""
    metrics = _fresh_metrics(name)
    for language in ("fa", "ar"):
        assert metrics.loc[language, "f1"] >= 0.70


@pytest.mark.model
@pytest.mark.parametrize("language", ["fa", "ar"])
def test_the_latest_fresh_sets_meet_the_speaker_goal(language: str) -> None:
    """The goal (speaker F1 >= 0.80) on the latest sets, pooled, as an analysis finds the speakers (the rules, then the
    speaker group): met in both, 0.901 / 0.884 (the rules alone 0.901 / 0.889). The two pairs before, at the same rules
    and group: 0.867 / 0.830 and 0.836 / 0.765. The pairs before those, with the rules of their time alone: 0.788 /
    0.816, 0.806 / 0.758, 0.724 / 0.676, 0.800 / 0.773, 0.831 / 0.827 and 0.843 / 0.769."""
    if not LATEST:
        pytest.skip("no unread fresh set: the next pair is being written")
    assert _analysed_metrics(LATEST).loc[language, "f1"] >= GOAL_SPEAKER_F1


@pytest.mark.model
def test_the_sets_measured_with_the_same_method_meet_the_goals_together() -> None:
    """The three pairs measured with the same rules and speaker group, 1,288 paragraphs on 48 events by twelve writers,
    pooled: voice accuracy fa 0.943, ar 0.932; speaker F1 fa 0.867, ar 0.825 (the rules alone 0.843 / 0.814). Pooling
    the three was decided when the third pair was written, after the first two had been measured."""
    metrics = _analysed_metrics(SAME_METHOD)
    assert metrics.loc["all", "paragraphs"] == 1288
    for language in ("fa", "ar"):
        assert metrics.loc[language, "voice_accuracy"] >= GOAL_VOICE_ACCURACY
        assert metrics.loc[language, "f1"] >= GOAL_SPEAKER_F1


def test_the_second_annotators_labels_pair_with_the_first_and_are_valid() -> None:
    """bench/voice_agreement.py compares two blind labellings of the twentieth and twenty-first sets row by row."""
    bench = bench_script("voice_agreement")
    agreement = bench.agreement
    first, second = bench.paired_labels()
    assert len(second) == 430 and set(second["voice"]) == {"outlet", "attributed"}
    known = {actor_id for actor_id in second["speaker"] if actor_id}
    assert known <= {actor.id for actor in default_actors()}
    assert (second.loc[second["voice"] == "outlet", "speaker"] == "").all()
    table = agreement(first, second).set_index("language")
    assert table.loc["all", "paragraphs"] == 430 and 0 <= table.loc["all", "f1"] <= 1
    same = agreement(first, first).set_index("language")
    assert same.loc["all", "f1"] == 1 and same.loc["all", "kappa"] == 1  # an annotator agrees with itself
