"""Tests for analysis.voices: who voices each paragraph (the outlet, or a speaker it reports)."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from analysis.voices import (
    ATTRIBUTED,
    KINDS,
    OUTLET,
    VoicesError,
    actors_from_text,
    actors_to_toml,
    add_actor,
    add_voices,
    article_day,
    default_actors,
    default_voice_patterns,
    describe_voice,
    find_voice,
    load_voice_patterns,
    outlet_actor,
    parse_actors,
    parse_voice_patterns,
    speaker_candidates,
)

DATA = Path(__file__).resolve().parent.parent / "analysis" / "data"


# --------------------------------------------------------------------------------------------
# The data files
# --------------------------------------------------------------------------------------------


def test_actors_file_is_valid_and_covers_the_seed_speakers() -> None:
    actors = default_actors()
    ids = {actor.id for actor in actors}
    assert {"putin", "tokayev", "lavrov", "peskov", "zakharova", "csto", "un", "xinhua", "irna", "tasnim", "russia_mfa"} <= ids
    assert {actor.kind for actor in actors} <= set(KINDS)
    assert all(actor.aliases["fa"] and actor.aliases["ar"] and actor.aliases["en"] for actor in actors)


def test_voice_patterns_file_has_speech_and_relay_cues_per_language() -> None:
    patterns = load_voice_patterns()
    for language in ("fa", "ar"):
        assert patterns.speech[language] and patterns.relay[language]
    assert {"گفت", "افزود", "اعلام کرد"} <= set(patterns.speech["fa"])
    assert {"به گفته", "به گزارش"} <= set(patterns.relay["fa"])
    assert {"قال", "أضاف", "أكد"} <= set(patterns.speech["ar"])
    assert {"وفق", "نقلا عن"} <= set(patterns.relay["ar"])
    assert patterns.min_quote_words >= 2
    assert {"تأکید کرده است", "هشدار داده است", "اظهار داشت", "مدعی شد"} <= set(patterns.speech["fa"])  # from [[fa.compound]]
    assert len(patterns.speech["fa"]) == len(set(patterns.speech["fa"]))
    assert {"خبرنگار ما"} <= set(patterns.self_references["fa"]) and {"مراسلنا"} <= set(patterns.self_references["ar"])
    assert {"در", "همچنین", "وی"} <= set(patterns.openers["fa"]) and {"في", "أيضا"} <= set(patterns.openers["ar"])
    known = {actor.id for actor in default_actors()}
    assert patterns.crowd in known and set(patterns.groups) <= known and patterns.crowd in patterns.groups


def test_voice_patterns_groups_must_be_a_list_of_actor_ids() -> None:
    with pytest.raises(VoicesError, match="groups must be a list of actor ids"):
        parse_voice_patterns({"groups": "experts", "fa": {"speech": ["گفت"]}})


def test_an_outlet_called_short_is_still_recognised() -> None:
    actors = default_actors()
    assert [outlet_actor(name, actors) for name in ("Mehr", "Fars", "Anadolu Arabic", "Tasnim News Agency", "RT Arabic")] == [
        "mehr",
        "fars",
        "anadolu",
        "tasnim",
        "rt",
    ]
    assert outlet_actor("Al", actors) == "" and outlet_actor("Some Local Weekly", actors) == ""


def test_compound_verbs_expand_and_need_both_lists() -> None:
    patterns = parse_voice_patterns({"fa": {"speech": ["گفت"], "compound": [{"nouns": ["تأکید", "اعلام"], "forms": ["کرد", "نمود"]}]}})
    assert patterns.speech["fa"] == ("گفت", "تأکید کرد", "تأکید نمود", "اعلام کرد", "اعلام نمود")
    with pytest.raises(VoicesError, match="needs nouns and forms"):
        parse_voice_patterns({"fa": {"compound": [{"nouns": ["تأکید"]}]}})


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[actor]]\nid = "x"\nlabel = "X"\n', "missing kind"),
        ('[[actor]]\nid = "X y"\nlabel = "X"\nkind = "media"\nen = ["X"]\n', "not lowercase"),
        ('[[actor]]\nid = "x"\nlabel = "X"\nkind = "pundit"\nen = ["X"]\n', "use one of"),
        ('[[actor]]\nid = "x"\nlabel = "X"\nkind = "media"\n', "no alias"),
        ("actor = [1, 2]\n", "must be a list of tables"),
        ('actor = ["putin"]\n', "must be a list of tables"),
    ],
)
def test_bad_actors_files_say_why(toml: str, message: str) -> None:
    with pytest.raises(VoicesError, match=message):
        parse_actors(tomllib.loads(toml))


# --------------------------------------------------------------------------------------------
# One paragraph: text in, (voice, speaker) out
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "outlet", "expected"),
    [
        # a reporting verb, the subject first in its sentence (Persian verbs come last)
        ("پوتین در عین حال تأکید کرد که عملیات بسیار بهموقع بود.", "", (ATTRIBUTED, "putin")),
        ("رئیس جمهوری قزاقستان افزود، وقایع رخ داده طراحی شده بود.", "", (ATTRIBUTED, "tokayev")),
        ("زاخاروا افزود، روسیه به مقامات قزاق کمک میکند.", "", (ATTRIBUTED, "zakharova")),
        # letter variants: Arabic yeh and kaf in a Persian text
        ("توكايف گفت که اوضاع آرام است.", "", (ATTRIBUTED, "tokayev")),
        # the longest alias wins: the spokeswoman, not the ministry
        ("سخنگوی وزارت امور خارجه روسیه نیز گفت: «ما این را تحریک خارجی میبینیم».", "", (ATTRIBUTED, "zakharova")),
        # a wire relay is attributed to the agency
        ("به گزارش ایرنا، نیروهای حافظ صلح وارد آلماتی شدند.", "tasnim", (ATTRIBUTED, "irna")),
        # the outlet's own name in the relay is its own voice
        ("به گزارش خبرگزاری تسنیم، نیروهای حافظ صلح وارد آلماتی شدند.", "tasnim", (OUTLET, "")),
        # relays before the speaker: the speaker is the one who speaks, not the agencies
        (
            "به گزارش خبرگزاری تسنیم به نقل از خبرگزاری «تاس»، ولادیمیر پوتین در سخنرانی خود یادآور شد که مأموریت محدود است.",
            "tasnim",
            (ATTRIBUTED, "putin"),
        ),
        # «به گفته وی»: the actor named earlier in the paragraph
        ("توکایف از کمک فوری قدردانی کرد. به گفته وی، حمایت معنوی ارزش زیادی داشت.", "", (ATTRIBUTED, "tokayev")),
        # a headline "Speaker: words"
        ("پوتین: مأموریت حفاظت از صلح در قزاقستان ضروری و محدود است", "", (ATTRIBUTED, "putin")),
        # a short quote inside the outlet's own sentence is a term, not speech
        ("نیروهای «پیمان امنیت جمعی» در قزاقستان مستقر شدند.", "", (OUTLET, "")),
        # no attribution
        ("ائتلاف حافظان صلح شامل نظامیان از روسیه و بلاروس است.", "", (OUTLET, "")),
        # a speaker not in the actors file: the words before the verb
        ("فرماندار آلماتی گفت که فرودگاه باز شد.", "", (ATTRIBUTED, "فرماندار آلماتی")),
        # compound verbs in other tenses ([[fa.compound]]), formal نمود
        ("لاوروف بر خروج نیروها تأکید کرده است.", "", (ATTRIBUTED, "lavrov")),
        ("وزارت خارجه روسیه این ادعا را تکذیب نمود.", "", (ATTRIBUTED, "russia_mfa")),
        # a relay whose reported speaker is not in the actors file: the speaker, not the agency (V4)
        (
            "به گزارش ایرنا به نقل از خبرگزاری فرانسه، ستاد ارتش این کشور پایان مأموریت را اعلام کرد.",
            "",
            (ATTRIBUTED, "ستاد ارتش این کشور"),
        ),
        # ... and a relay alone names the agency: in a chain, the original source
        ("به گزارش ایرنا به نقل از خبرگزاری فرانسه، ستاد ارتش پایان مأموریت را جشن گرفت.", "", (ATTRIBUTED, "afp")),
        # a name, its apposition between two commas, then the predicate: the name speaks, not an actor after the apposition
        ("علی رضایی، رئیس‌جمهور کشور، با ابراز تأسف از کشته شدن معترضان مدعی شد که پلیس حضور نداشت.", "", (ATTRIBUTED, "علی رضایی")),
        # «، از» is one of a group only in an apposition that a comma closes; a list names no one in apposition
        ("پلیس، از معترضان خواست متفرق شوند.", "", (ATTRIBUTED, "پلیس از معترضان")),
        ("کارگران، دانشجویان، معترضان گفتند که ادامه می‌دهند.", "", (ATTRIBUTED, "protesters")),
        # a country before a headline's colon is a dateline
        ("شیلی: ده‌ها هزار نفر در سانتیاگو راهپیمایی کردند", "", (OUTLET, "")),
        # «این خبرگزاری» names the agency a relay of the paragraph named; a name opening its sentence with an apposition
        # speaks, not a later verb's subject; «فرمودند» is "said"
        ("به گزارش خبرگزاری رویترز، درگیری‌ها ادامه داشت. این خبرگزاری افزود که ده نفر کشته شدند.", "", (ATTRIBUTED, "reuters")),
        (
            "علی رضایی، نخست‌وزیر کشور، روز یکشنبه هشدار داد که کشور در خطر است. معترضان گفتند که ادامه می‌دهند.",
            "",
            (ATTRIBUTED, "علی رضایی"),
        ),
        ("رهبر انقلاب فرمودند که آتش زدن بانک کار مردم نیست.", "", (ATTRIBUTED, "رهبر انقلاب")),
        # an apposition «، از …» closed by a comma up to eight words on, quotes and brackets included
        ("سارا نوری، از برگزارکنندگان کمپین «هوای پاک» (نفس بکشیم)، در جمع خبرنگاران گفت که ادامه می‌دهند.", "", (ATTRIBUTED, "protesters")),
        # an estimate is someone's word too
        ("به برآورد خبرگزاری فرانسه ده هزار نفر در راهپیمایی شرکت کردند.", "", (ATTRIBUTED, "afp")),
        # someone spoken to, or named through an envoy, is not the speaker
        ("سخنگوی جبهه در گفت‌وگو با خبرگزاری رویترز این آتش‌بس را «شوخی» خواند.", "", (ATTRIBUTED, "سخنگوی جبهه در گفتوگو")),
        ("فرستاده ویژه دبیرکل سازمان ملل در نشستی خبری این روز را خونین خواند.", "", (ATTRIBUTED, "فرستاده ویژه دبیرکل سازمان")),
        # a compound verb with its object in between
        ("بلینکن در تماسی تلفنی خواستار اجرای کامل آتش‌بس شد.", "", (ATTRIBUTED, "blinken")),
        # chants are the crowd's words
        ("معترضان در میدان اصلی شهر علیه دولت شعار دادند.", "", (ATTRIBUTED, "protesters")),
        # the outlet's own reporter is the outlet's own voice (docs/labelling.md, V3)
        ("به گزارش خبرنگار ما، فرودگاه آلماتی بازگشایی شد.", "", (OUTLET, "")),
        ("خبرنگار ما از آلماتی گزارش داد که فرودگاه بازگشایی شد.", "", (OUTLET, "")),
        ("یک فعال مدنی در آلماتی به خبرنگار ما گفت که فرودگاه بازگشایی شد.", "", (ATTRIBUTED, "یک فعال مدنی در")),
        # the opposition's leader or joint candidate, and a coordinator of the movement, speak as the protesters (V4)
        ("رهبر مخالفان افزود: «من رئیس‌جمهور منتخب هستم.»", "", (ATTRIBUTED, "protesters")),
        ("ناهید اسلام، یکی از هماهنگ‌کنندگان جنبش دانشجویی، گفت دانشجویان کوتاه نمی‌آیند.", "", (ATTRIBUTED, "protesters")),
        # a title of its time: Iran's deputy foreign minister for Arab and African affairs in 2015
        ("معاون عربی و آفریقایی وزیر امور خارجه کشورمان تصریح کرد که ایران کودتا را مردود می‌داند.", "", (ATTRIBUTED, "amir_abdollahian")),
        # the national strike committee; the president's supporters chanting are not the protesters
        ("کمیته ملی اعتصاب در بیانیه‌ای اعلام کرد اعتراض‌ها ادامه دارد.", "", (ATTRIBUTED, "protesters")),
        ("جمعیتی از هواداران رئیس‌جمهور شعار «با جان و خون فدای تو» سر دادند.", "", (ATTRIBUTED, "")),
        # a crowd chanting in the present singular; a rally for the state is not the protesters
        ("در ویدیوها جمعیت شعار «زنده باد بلاروس» سر می‌دهد.", "", (ATTRIBUTED, "protesters")),
        ("شرکت‌کنندگان با سر دادن شعار «مرگ بر فتنه‌گر» بر حمایت از نظام تاکید کردند.", "", (ATTRIBUTED, "")),
        # one of those who run the rally, after «و» in a long apposition; one who organises the protests (V4)
        ("مارینا تاوبر، معاون رئیس حزب شور و از گردانندگان تجمع، از روی سکو گفت اعتراض‌ها ادامه دارد.", "", (ATTRIBUTED, "protesters")),
        (
            "نینو بورجانادزه، رئیس سابق پارلمان و رهبر حزب مخالف «جنبش دموکراتیک» که این تجمع‌ها را سازمان داده بود، گفت معترضان می‌مانند.",
            "",
            (ATTRIBUTED, "protesters"),
        ),
        # a name after a relay's comma, with its apposition: that person, not the body in the apposition
        ("به گزارش تسنیم، بهرام قاسمی، سخنگوی وزارت امور خارجه ایران، این حمله را محکوم کرد.", "", (ATTRIBUTED, "بهرام قاسمی")),
        # one who takes part in the strike; one who called these protests
        ("یکی از معلمان شرکت‌کننده در اعتصاب به خبرنگاران گفت: «دولت باید صدای ما را بشنود.»", "", (ATTRIBUTED, "protesters")),
        # a statement whose verb stands far after it; one of the rally's organisers, or one who took part in the strike
        (
            "اتحادیه حقوق بشر در بیانیه‌ای خواستار تشکیل کمیته‌ای مستقل برای تحقیق درباره مرگ این جوان و خروج نیروهای امنیتی از شهر شد.",
            "",
            (ATTRIBUTED, "اتحادیه حقوق بشر"),
        ),
        (
            "استپان دمیرچیان، رهبر بلوک «عدالت» و یکی از سازمان‌دهندگان تجمع‌ها، به خبرنگاران گفت مبارزه ادامه دارد.",
            "",
            (ATTRIBUTED, "protesters"),
        ),
        ("یکی از رانندگان کامیون که در اعتصاب شرکت دارد، گفت: «ما فقط کامیون‌هایمان را خاموش کردیم.»", "", (ATTRIBUTED, "protesters")),
        # a crowd shouting is a chant; a movement's coordinator speaks as the movement
        ("جمعیت در طول راهپیمایی بارها فریاد می‌زد «آزادی، آزادی».", "", (ATTRIBUTED, "protesters")),
        ("جرج اسحاق، هماهنگ‌کننده جنبش کفایه، به بی‌بی‌سی گفت: «امروز روز سیاهی بود.»", "", (ATTRIBUTED, "protesters")),
        # a demand reports its content, whatever verb follows and however long its object
        (
            "معترضان که از روز شنبه در میدان تجمع کرده‌اند، خواستار ایجاد فرصت‌های شغلی، افزایش دستمزدها، مبارزه با فساد و برکناری وزیران شدند.",
            "",
            (ATTRIBUTED, "protesters"),
        ),
        ("تظاهرکنندگان خواستار آزادی زندانیان سیاسی هستند.", "", (ATTRIBUTED, "protesters")),
    ],
)
def test_persian(text: str, outlet: str, expected: tuple[str, str]) -> None:
    assert find_voice(text, "fa", outlet=outlet)[:2] == expected


@pytest.mark.parametrize(
    ("text", "outlet", "expected"),
    [
        # verb first, the subject right after it (clitic و on the verb)
        ("وقال رئيس الدولة قاسم جومارت توقاييف، إن معركة حقيقية تدور في ألماتي.", "", (ATTRIBUTED, "tokayev")),
        ("أكد رئيس بيلاروس، ألكسندر لوكاشينكو، على ضرورة تعزيز قوات حفظ السلام.", "", (ATTRIBUTED, "lukashenko")),
        # the article absorbed by a preposition: بالكرملين
        ("وذكر المكتب الصحفي بالكرملين في بيان اليوم، أن الرئيسين بحثا الأحداث.", "", (ATTRIBUTED, "kremlin")),
        # subject before the verb
        ("وكان رئيس كازاخستان، قاسم جومارت توكاييف، أعلن أمس بدء انسحاب القوات.", "", (ATTRIBUTED, "tokayev")),
        # a complementiser right after the verb: no subject there, and the actor after it is not the speaker
        ("وشدد أن الوضع يلزم دول منظمة معاهدة الأمن الجماعي ببذل جهود مشتركة.", "", (ATTRIBUTED, "")),
        # a relay with an apposition after the comma
        ("قرر المجلس إرسال قوات، وفقًا لرئيس المجلس، رئيس وزراء أرمينيا نيكول باشينيان.", "", (ATTRIBUTED, "pashinyan")),
        # a wire relay names the agency
        ("نقلا عن وكالة تاس، بدأت القوات الانسحاب من كازاخستان.", "rt", (ATTRIBUTED, "tass")),
        # a quote inside the outlet's sentence: a short term stays the outlet's
        ('التابعة لـ "منظمة معاهدة الأمن الجماعي" من الجمهورية اعتبارا من اليوم.', "", (OUTLET, "")),
        # a long quotation without a verb is reported speech
        ('"إننا نواجه تحديات خطيرة في المستقبل ومن الضروري تعزيز المنظمة".', "", (ATTRIBUTED, "")),
        # no attribution
        ("استمرت الاحتجاجات في كازاخستان منذ 2 يناير. ثم استقالت الحكومة.", "", (OUTLET, "")),
        # the outlet's own correspondent is the outlet's own voice (docs/labelling.md, V3) ...
        ("وقال مراسل سبوتنيك إن الوضع هادئ.", "sputnik", (OUTLET, "")),
        ("وأفاد مراسلنا في ألماتي بأن الوضع هادئ.", "", (OUTLET, "")),
        ("وقال مراسل الجزيرة إن الوضع هادئ.", "al_jazeera", (OUTLET, "")),
        # ... but someone who speaks to the outlet is someone else's voice
        ("وقال مسؤول محلي لمراسلنا إن الوضع هادئ.", "", (ATTRIBUTED, "مسؤول محلي لمراسلنا")),  # raw words up to «إن»
        ("وقال مسؤول محلي للجزيرة إن الوضع هادئ.", "al_jazeera", (ATTRIBUTED, "مسؤول محلي للجزيرة")),
        # ... and another outlet's correspondent is a relay of that outlet
        ("وقال مراسل سبوتنيك إن الوضع هادئ.", "rt", (ATTRIBUTED, "sputnik")),
        # a correspondent's name may be quoted after the word, as a head noun's («وكالة "رويترز"»)
        ("وأفاد مراسل «روسيا اليوم» في بيروت بأن الوضع هادئ.", "rt", (OUTLET, "")),
        ("وأفاد مراسل «روسيا اليوم» في بيروت بأن الوضع هادئ.", "al_jazeera", (ATTRIBUTED, "rt")),
        # a title, then the name in apposition: the person
        ("قالت المتحدثة الرسمية باسم وزارة الخارجية الروسية ماريا زاخاروفا إن موسكو تتابع الوضع.", "", (ATTRIBUTED, "zakharova")),
        # an agency that quotes someone: the one quoted
        ("ونقلت وكالة شينخوا عن المتحدث باسم وزارة الخارجية الصينية وانغ ون بين قوله إن الصين جار صديق.", "", (ATTRIBUTED, "wang_wenbin")),
        # someone who speaks to an agency is not the agency
        ("وقال طالب لوكالة سبوتنيك إن زملاءه لن يتراجعوا.", "", (ATTRIBUTED, "طالب لوكالة سبوتنيك")),
        # a verb's forms beyond the past tense, a statement of view
        ("ويرى محللون أن تدخل المنظمة يعزز النفوذ الروسي.", "", (ATTRIBUTED, "experts")),
        ("مشيرة إلى أن القوات ستنسحب خلال أيام.", "", (ATTRIBUTED, "")),
        # a name quoted after its head noun is the subject, not the end of it
        ('وذكرت وكالة "رويترز" أن شخصين على الأقل قتلا.', "", (ATTRIBUTED, "reuters")),
        ("وذكرت صحيفة «الأهرام» في عددها الصادر الخميس أن منصور سيؤدي اليمين.", "", (ATTRIBUTED, "al_ahram")),
        # «مشددة» without «على» is an adjective (strict), the present «تكشف» a reveal, not speech
        ("وبحسب وكالة الصحافة الفرنسية، غادر الرئيس العاصمة تحت حراسة مشددة.", "", (ATTRIBUTED, "afp")),
        ("تكشف الاحتجاجات التي هزت البلاد حجم المأزق الذي تواجهه الحكومة.", "", (OUTLET, "")),
        # a headline's speaker the file lacks; a country before the colon, or a body paragraph's byline, is a dateline
        ("مادورو: لن نسمح بانقلاب على الديمقراطية", "", (ATTRIBUTED, "مادورو")),
        ("رئيس الجمهورية: ما يجري تديره غرفة عمليات في الخارج", "", (ATTRIBUTED, "رئيس الجمهورية")),
        ("زامبيا: آلاف المحتجين في شوارع لوساكا", "", (OUTLET, "")),
        ("ميانمار: الجيش يعتقل قادة الحزب الحاكم", "", (OUTLET, "")),  # CLDR's «ميانمار (بورما)» before its qualifier
        ("مادورو: لن نسمح - مهما كان الثمن - بانقلاب", "", (ATTRIBUTED, "مادورو")),  # a dash in the words is no byline
        ("نيودلهي / وكالات: أغلقت المتاجر أبوابها", "", (OUTLET, "")),
        ("صوفيا: «الشرق الأوسط» - اقتحم آلاف المتظاهرين مبنى البرلمان", "", (OUTLET, "")),
        ("الشرقاوي: " + "مطالب المحتجين مشروعة وسنحاورهم في الأيام المقبلة حول كل الملفات العالقة " * 3, "", (OUTLET, "")),  # too long
        ("البيرو: الكونغرس يعزل الرئيس", "", (OUTLET, "")),
        (
            "بكين - وكالات: اقتحمت وحدات من الجيش الساحة فجر أمس، منهية اعتصاما استمر سبعة أسابيع قاده طلاب الجامعات "
            "للمطالبة بالديمقراطية، وسط إطلاق كثيف للنار استمر ساعات وإحراق عشرات الشاحنات العسكرية على الطرق المؤدية إلى الساحة.",
            "",
            (OUTLET, ""),
        ),
        # a source quoted after «نقلا عن» is an actor of the file even after the preposition
        ("وذكرت وكالة رويترز، نقلا عن وكالة الصحافة الفرنسية، أن الدبابات انتشرت.", "", (ATTRIBUTED, "afp")),
        # «وأنها تعتبر …»: the verb's subject is the pronoun; the relay before it names the source
        (
            "نقلت وكالة إنترفاكس عن وزارة الخارجية الروسية أنها تتابع الوضع بقلق، وأنها تعتبر ما يجري شأنا داخليا.",
            "",
            (ATTRIBUTED, "russia_mfa"),
        ),
        # «لكنّ» puts its subject in the oblique case; a researcher is one of the experts
        ("لكن منظمي الاحتجاجات قالوا إن التنازل غير كاف.", "", (ATTRIBUTED, "protesters")),
        ("ويرى الباحث في الشؤون الإقليمية سامي يوسف أن الأزمة ستطول.", "", (ATTRIBUTED, "experts")),
        # the movement's own in construct («محتجو …»), a UN mission, a spokesman who speaks to an agency
        ("محتجو «الرابع»: لن نغادر قبل رحيل الحكومة", "", (ATTRIBUTED, "protesters")),
        ("ودعت بعثة الأمم المتحدة في البلاد الأطراف إلى ضبط النفس.", "", (ATTRIBUTED, "un")),
        ("وقال متحدث باسم وزارة الخارجية الأميركية لوكالة رويترز إن واشنطن تتابع القضية.", "", (ATTRIBUTED, "us_state_department")),
        # «يذكر» after a noun is "notable", not "mentions"
        ("ولم يسجل حتى المساء أي تجمع يذكر في العاصمة.", "", (OUTLET, "")),
        # a statement's author follows it with «ل» (of); a statement to an agency is not the agency's
        ("وجاء في بيان لوزارة الخارجية الأمريكية أن واشنطن تتابع الوضع.", "", (ATTRIBUTED, "us_state_department")),
        ("وقال في تصريح لوكالة رويترز إن الوضع هادئ.", "", (ATTRIBUTED, "في تصريح لوكالة رويترز")),
        # the movement speaks through its leaders, coordinators and spokespeople, and the opposition's leader or candidate
        # who leads the protests (V4); an unnamed protester, one of them; a movement named without the article is not
        # known to be the protesters' («حركة طالبان»)
        ("وقال المحامي أندريه ناستاسي، أحد قادة المنصة، إن الاعتصام سيستمر.", "", (ATTRIBUTED, "protesters")),
        ("وقال زعيم المعارضة رايلا أودينجا إن الانتخابات مهزلة.", "", (ATTRIBUTED, "protesters")),
        ("وقالت متظاهرة في الخمسين من عمرها إن راتبها لا يكفي.", "", (ATTRIBUTED, "protesters")),
        ("وقال المتحدث باسم حركة طالبان إن المفاوضات متعثرة.", "", (ATTRIBUTED, "المتحدث باسم حركة طالبان")),
        # an EU observer mission is the EU; a UN regional office is the UN
        ("أكدت بعثة مراقبي الاتحاد الأوروبي في بيان أن الأرقام مختلة.", "", (ATTRIBUTED, "eu")),
        ("كما أعلن مكتب الأمم المتحدة لغرب أفريقيا أن رئيسه التقى الأطراف.", "", (ATTRIBUTED, "un")),
        # welcoming is a statement of view; the movement's coordinator («منسق حراك …»), a striker one of them
        ("الخارجية الأمريكية ترحب بسحب مشروع القانون", "", (ATTRIBUTED, "us_state_department")),
        ("وقال منسق حراك ذيبان الشعبي إن الاعتصام مستمر.", "", (ATTRIBUTED, "protesters")),
        ("وقال أحد العمال المضربين لمراسل الجزيرة إن الشرطة أطلقت النار.", "", (ATTRIBUTED, "protesters")),
        # one who took part in the march; young men for the president chanting are not the protesters
        ("وقالت طالبة جامعية شاركت في المسيرة إن المدرعات طاردتهم.", "", (ATTRIBUTED, "protesters")),
        ("وحاول عشرات الشبان المؤيدين للرئيس الاقتراب وهم يرددون «الجزائر ليست مصر» بصوت عال.", "", (ATTRIBUTED, "")),
        # a circumstantial participle names no one new: the relay's source speaks
        ("نقلت وكالة تاس عن المتحدث باسم الكرملين قوله إن الوضع هادئ، مطالبا بفتح الحدود.", "", (ATTRIBUTED, "peskov")),
        # a name whose apposition makes them one of the movement («… وأحد منظمي المسيرة»، «… الذي دعا إلى التجمع»)
        ('واتهم سيرغي أودالتسوف، منسق "الجبهة اليسارية" وأحد منظمي المسيرة، السلطات بتدبير استفزاز.', "", (ATTRIBUTED, "protesters")),
        ('وقال عيسى قمبر، زعيم حزب "مساوات" الذي دعا إلى التجمع، إن الحكومة تخاف من شعبها.', "", (ATTRIBUTED, "protesters")),
        # a statement «صادر عن» a body is that body's; a demonstrative opens the object, not a name
        ("وجاء في بيان صادر عن وزارة الخارجية الروسية أن موسكو تأمل تجاوز الخلافات.", "", (ATTRIBUTED, "russia_mfa")),
        ("ونفت المتحدثة باسم الخارجية الروسية هذه الاتهامات، ووصفتها بأنها حملة تضليل.", "", (ATTRIBUTED, "zakharova")),
        # the outlet's own correspondent goes on in a verb with no subject; a capital before a headline's colon is a
        # dateline; a verb of saying negated is not said
        ("وقال مراسل الجزيرة إن الساحة امتلأت بالمتظاهرين. وأضاف أن قوات الأمن طوقت المكان.", "al_jazeera", (OUTLET, "")),
        ("يريفان: آلاف المحتجين يطالبون برحيل الحكومة", "", (OUTLET, "")),
        ("وصل رئيس الوزراء إلى البصرة في زيارة لم يعلن عنها مسبقا.", "", (OUTLET, "")),
        ("وقال أحد منسقي التظاهرات في الزبير إن المحتجين لن يغادروا الشوارع.", "", (ATTRIBUTED, "protesters")),
        # a verb inside the words a relay reports is the relayed speaker's; the committee that organised the protests
        (
            "ونقلت وكالة تاس عن المتحدثة باسم الخارجية الروسية ماريا زاخاروفا قولها إن موسكو تتابع الوضع، وتدعو جميع الأطراف إلى ضبط النفس.",
            "",
            (ATTRIBUTED, "zakharova"),
        ),
        ("في المقابل، اتهمت اللجنة التنظيمية للتظاهرات القوات الأمنية باستخدام الرصاص الحي.", "", (ATTRIBUTED, "protesters")),
        ("وقال المتحدث باسم اللجنة التنسيقية لاعتصام الحويجة إن المعتصمين كانوا عزلا.", "", (ATTRIBUTED, "protesters")),
        ("ووصف الرئيس إمام علي رحمن الحزب بأنه أداة بيد قوى أجنبية.", "", (ATTRIBUTED, "rahmon")),
    ],
)
def test_arabic(text: str, outlet: str, expected: tuple[str, str]) -> None:
    assert find_voice(text, "ar", outlet=outlet)[:2] == expected


@pytest.mark.parametrize(
    ("text", "language", "speaker"),
    [
        # chants, slogans and placards are the crowd's words (docs/labelling.md V2): the `crowd` actor ...
        ("وفور انتشار النبأ، اقتحم آلاف المحتفلين بوابات القصر وهتفوا «كوري.. كوري».", "ar", "protesters"),
        ("وعمت الاحتفالات مبنى البرلمان، حيث هتف المعتصمون «عاش الإصلاح».", "ar", "protesters"),
        ("ورفع طلاب لافتات كتب عليها «بنغلاديش حرة من جديد».", "ar", "protesters"),
        ("وتجمع مئات من أنصاره أمام القصر مرددين «نريد مانويل».", "ar", "protesters"),
        ("صدها نفر از هواداران او مقابل دادگاه شعار «آزادی، آزادی» سر دادند.", "fa", "protesters"),  # «شعار «…» سر دادند»
        # the movement speaks through its own: leaders, organisers, strikers (docs/labelling.md V4)
        ("وقال كريم منصور، أحد قادة الحراك، إن الاعتصام مستمر.", "ar", "protesters"),
        ("رهبران جنبش دانشجویی اعلام کردند تحصن را ادامه می‌دهند.", "fa", "protesters"),
        ("وقال نبيل حداد، أحد منظمي الحملة، إن الحركة لا تتبع أي حزب.", "ar", "protesters"),
        ("مهسا کرمی، دانشجو و یکی از برگزارکنندگان تجمع، به خبرنگاران گفت: «ما ادامه می‌دهیم.»", "fa", "protesters"),
        ("لیلا احمدی، از برگزارکنندگان «جنبش سبز شهر»، گفت: «ما عقب نمی‌نشینیم.»", "fa", "protesters"),  # «، از»: one of them
        ("کامران رضایی، از رهبران ائتلاف مخالفان، گفت که تحصن ادامه دارد.", "fa", "protesters"),
        ("وقال أحد المشاركين في الاعتصام إن المطالب لم تتحقق.", "ar", "protesters"),
        ("وقال عامل يشارك في الاحتجاج لوكالة الأنباء إن الأجور لم ترتفع.", "ar", "protesters"),
        ("ويطالب قادة الائتلاف، الذين يقودون الاحتجاجات، بانتخابات مبكرة.", "ar", "protesters"),
        # slogans carried: «با شعار «…»», placards with words on them
        ("هزاران نفر در میدان گرد آمدند و با شعار «دولت باید برود» خواستار انتخابات شدند.", "fa", "protesters"),
        ("معترضان پلاکاردهایی با نوشته «نه به فساد» در دست داشتند.", "fa", "protesters"),
        # ... and an expert named in apposition speaks as the experts
        ("پدرو آلوس، مورخ پرتغالی، گفت: «آن روز کودتا به انقلاب تبدیل شد.»", "fa", "experts"),
        # ... unless an actor of the file chants
        ("وردد لوكاشينكو شعار «بيلاروس للبيلاروسيين» أمام أنصاره.", "ar", "lukashenko"),
        # one the file lacks who speaks to the rally's crowd speaks for the movement; an actor of the file stays
        # themselves, and a rally for the authorities is not the movement's
        ("وقال كمال يوسف مخاطبا الحشود إن الحكومة فقدت شرعيتها.", "ar", "protesters"),
        ("وقال رئيس حزب التجديد سمير حداد في كلمة أمام المعتصمين إن الاعتصام مستمر.", "ar", "protesters"),
        ("آرمن سرکیسیان با بلندگو خطاب به جمعیت گفت: «تا پیروزی می‌مانیم.»", "fa", "protesters"),
        ("وقال باشينيان مخاطبا الحشود إن الحكومة لن تستقيل.", "ar", "pashinyan"),
        ("وقال كمال يوسف أمام الحشود المؤيدة للحكومة إن البلاد تواجه مؤامرة.", "ar", "كمال يوسف أمام الحشود"),
    ],
)
def test_chants_are_the_crowds_words(text: str, language: str, speaker: str) -> None:
    assert find_voice(text, language)[:2] == (ATTRIBUTED, speaker)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # a crowd for the authorities: its chants are nobody's of the file (docs/labelling.md V4)
        ("هزاران نفر از هواداران دولت با سر دادن شعار «زنده باد نخست‌وزیر» از او حمایت کردند.", "fa"),
        ("وهتف المشاركون في التجمع المؤيد للحكومة «نعم للاستقرار».", "ar"),
        ("وردد آلاف الشبان من الحركة الموالية للحكومة «نعم للرئيس».", "ar"),
        ("وخرج آلاف في مسيرة مضادة مرددين «لن يعودوا».", "ar"),
        ("وتجمع آلاف من أنصار الحزب الاشتراكي الحاكم مرددين «ارحل».", "ar"),
        ("صدها نفر از مخالفان جنبش با شعار «از پلیس حمایت می‌کنیم» گرد آمدند.", "fa"),
        ("واحتشد مواطنون حاملين صور الرئيس وهتفوا «معاك يا ريس».", "ar"),
        ("وردد المشاركون هتافات تؤيد القيادة السياسية.", "ar"),
        ("وهتف المشاركون «نعم للرئيس» ورفعوا لافتات تأييد للجيش.", "ar"),
    ],
)
def test_chants_for_the_authorities_are_not_the_protesters(text: str, language: str) -> None:
    assert find_voice(text, language)[:2] == (ATTRIBUTED, "")


def test_a_slogan_against_the_governments_supporters_is_the_protesters() -> None:
    """Words for the authorities inside the chant itself say nothing of who chants it."""
    assert find_voice("هزاران نفر شعار «مرگ بر حامیان دولت» سر دادند.", "fa")[:2] == (ATTRIBUTED, "protesters")


def test_a_patterns_file_without_a_crowd_gives_chants_no_crowd() -> None:
    patterns = replace(default_voice_patterns(), crowd="")
    voice, speaker, _ = find_voice("وتجمع مئات من أنصاره أمام القصر مرددين «نريد مانويل».", "ar", patterns=patterns)
    assert voice == ATTRIBUTED and speaker != "protesters"


def test_continued_speech_keeps_the_previous_speaker() -> None:
    assert find_voice("وأضاف أن هذه العصابات دولية.", "ar", previous_speaker="tokayev")[:2] == (ATTRIBUTED, "tokayev")
    assert find_voice("وأضاف أن هذه العصابات دولية.", "ar")[:2] == (ATTRIBUTED, "")
    # an outlet-voiced paragraph does not inherit anything
    assert find_voice("استقالت الحكومة.", "ar", previous_speaker="tokayev")[:2] == (OUTLET, "")


def test_other_languages_are_the_outlets_voice() -> None:
    assert find_voice("Putin said the mission is limited.", "other")[:2] == (OUTLET, "")


@pytest.mark.parametrize(
    ("outlet", "actor"),
    [
        ("Tasnim News Agency", "tasnim"),
        ("Fars News Agency", "fars"),
        ("Sputnik Arabic (via UrduPoint)", "sputnik"),
        ("RT Arabic", "rt"),
        ("Daily X", ""),
    ],
)
def test_outlet_actor(outlet: str, actor: str) -> None:
    assert outlet_actor(outlet, default_actors()) == actor


# --------------------------------------------------------------------------------------------
# Titles name whoever held them at the article's date; speakers the file lacks stay raw words
# --------------------------------------------------------------------------------------------

SECRETARY_OF_STATE = "وزیر خارجه آمریکا گفت که این کودتا توجیهی ندارد."


@pytest.mark.parametrize(
    ("text", "language", "date", "speaker"),
    [
        # a title held on the article's date is its holder; held before or after, someone the file lacks
        (SECRETARY_OF_STATE, "fa", dt.date(2022, 1, 7), "blinken"),
        (SECRETARY_OF_STATE, "fa", dt.date(2013, 8, 14), "وزیر خارجه آمریکا"),
        (SECRETARY_OF_STATE, "fa", dt.date(2025, 3, 1), "وزیر خارجه آمریکا"),
        (SECRETARY_OF_STATE, "fa", None, "blinken"),  # undated: the holder in the file
        # a title held twice: Putin's presidency, not between 2008 and 2012
        ("وقال الرئيس الروسي إن العملية محدودة.", "ar", dt.date(2005, 1, 1), "putin"),
        ("وقال الرئيس الروسي إن العملية محدودة.", "ar", dt.date(2010, 1, 1), "الرئيس الروسي"),
        # a spokeswoman's title before her: the ministry (otherwise = "russia_mfa", docs/labelling.md V4)
        ("سخنگوی وزارت امور خارجه روسیه اظهار داشت روسیه امیدوار است.", "fa", dt.date(2013, 5, 1), "russia_mfa"),
        ("سخنگوی وزارت امور خارجه روسیه اظهار داشت روسیه امیدوار است.", "fa", dt.date(2016, 5, 1), "zakharova"),
        # an Iranian outlet's «کشورمان» (our country): Iran's spokesman in his tenure, else the ministry; the Kremlin's
        ("سخنگوی وزارت امور خارجه کشورمان گفت ایران تحولات را دنبال می‌کند.", "fa", dt.date(2020, 10, 6), "khatibzadeh"),
        ("سخنگوی وزارت امور خارجه کشورمان گفت ایران تحولات را دنبال می‌کند.", "fa", dt.date(2019, 10, 6), "iran_mfa"),
        ("سخنگوی کاخ کرملین به خبرنگاران گفت مسکو نگران است.", "fa", dt.date(2014, 2, 19), "peskov"),
        ("من جانبه، قال المتحدث الصحفي باسم الكرملين إن الرئيس على اطلاع.", "ar", dt.date(2019, 7, 28), "peskov"),
        ("من جهته، قال نائب الرئيس الأمريكي في تجمع انتخابي إن بلاده لن تسمح بالإفلات من العقاب.", "ar", dt.date(2012, 9, 12), "biden"),
        # a name the file lacks beside a title: that person, whatever the date
        ("جان کری، وزیر خارجه آمریکا، در بیانیه‌ای نوشت که «هیچ توجیهی» وجود ندارد.", "fa", None, "جان کری"),
        ("در همین حال، وزیر خارجه آمریکا گفت که توجیهی ندارد.", "fa", dt.date(2022, 1, 7), "blinken"),  # an opener, no name
        ("وقال وزير الخارجية الأمريكي جون كيري إنه «لا مبرر لهذا الانقلاب»", "ar", dt.date(2014, 5, 22), "وزير الخارجية الأمريكي جون كيري"),
        # Erdoğan as prime minister, then as president; Biden's presidency
        ("وقال رئيس الوزراء التركي إن الحكومة لن تتراجع.", "ar", dt.date(2013, 6, 9), "erdogan"),
        ("وقال رئيس الوزراء التركي إن الحكومة لن تتراجع.", "ar", dt.date(2019, 6, 9), "رئيس الوزراء التركي"),
        ("رئیس‌جمهور ترکیه گفت آنکارا بی‌طرف می‌ماند.", "fa", dt.date(2016, 7, 20), "erdogan"),
        ("وكان الرئيس الأميركي قد قال إن واشنطن تتابع الوضع.", "ar", dt.date(2023, 3, 27), "biden"),
        ("وفي بلغراد، قال رئيس الوزراء الصربي إن بلاده لا تتدخل.", "ar", dt.date(2015, 10, 25), "vucic"),
        # Kazakhstan's president: Nazarbayev until March 2019, then Tokayev; «الناطقة» as Zakharova's title
        ("وتابع الرئيس الكازاخستاني أن المسؤولين سيحاسبون.", "ar", dt.date(2011, 12, 17), "nazarbayev"),
        ("رئیس‌جمهور قزاقستان افزود که هیچ‌کس حق آشوب ندارد.", "fa", dt.date(2022, 1, 7), "tokayev"),
        ("وقالت الناطقة باسم الخارجية الروسية إن موسكو تتابع الوضع.", "ar", dt.date(2022, 5, 20), "zakharova"),
        # a long title before the name, up to the clause's comma
        (
            "قال المفوض السامي للأمم المتحدة لشؤون اللاجئين أنطونيو غوتيريش، في بيان، إن المفوضية قلقة.",
            "ar",
            dt.date(2005, 6, 1),
            "guterres",
        ),
    ],
)
def test_a_title_names_its_holder_at_the_articles_date(text: str, language: str, date: dt.date | None, speaker: str) -> None:
    assert find_voice(text, language, date=date)[:2] == (ATTRIBUTED, speaker)


@pytest.mark.parametrize(
    ("text", "language", "previous", "speaker"),
    [
        # a source that quotes someone the file lacks: not the source («نقلا عن»، «به نقل از»، «عن … قوله»)
        ("ونقلت وكالة رويترز عن شهود عيان أن قوات الأمن أطلقت الرصاص.", "ar", "", "شهود عيان"),
        ("وذكرت وكالة رويترز، نقلا عن متحدث باسم الحزب، أن حظر التجول ضروري.", "ar", "", "متحدث باسم الحزب"),
        ("خبرگزاری فرانسه به نقل از یک دیپلمات غربی نوشت آنچه رخ داده «جز کودتا نامی ندارد».", "fa", "", "یک دیپلمات غربی نوشت"),
        ("ونقلت وكالة سبوتنيك الروسية عن المتحدثة باسم الخارجية الروسية ماريا زاخاروفا قولها إن موسكو تعارض ذلك.", "ar", "", "zakharova"),
        # «عن» after a subject is "about": the subject speaks
        ("وأعرب بوتين عن قلقه من التطورات.", "ar", "", "putin"),
        # Persian «را» marks the object: protesters are called names, they do not speak
        ("اورتگا در سخنرانی خود معترضان را «کودتاچیان» نامید و گفت اجازه نخواهد داد.", "fa", "", "اورتگا در سخنرانی خود"),
        # a new subject the file lacks ends continued speech; a pronoun or an article-bearing noun goes on with it
        ("دومبویا همچنین فقر و فساد را دلیل اقدام نظامیان عنوان کرد.", "fa", "al_jazeera", "دومبویا همچنین فقر و"),
        ("وی همچنین افزود که گفت‌وگو ادامه دارد.", "fa", "tokayev", "tokayev"),
        ("وقال أحد سكان الحي إن الشرطة تطلق النار.", "ar", "tokayev", "أحد سكان الحي"),
        ("وأضاف المتحدث أن الشرطة تطلق النار.", "ar", "tokayev", "tokayev"),
        ("وأضاف في بيان أن الشرطة تطلق النار.", "ar", "tokayev", "tokayev"),
        # Arabic: only a role noun alone goes on with the previous speaker; a body, or a titled person, is someone new
        ("وتابع الوزير في كلمته أن الشرطة تطلق النار.", "ar", "tokayev", "tokayev"),
        ("وقالت الشرطة إن خمسة أشخاص قتلوا.", "ar", "protesters", "الشرطة"),
        (
            "واتهم الرئيس المولدوفي فلاديمير فورونين رومانيا بالوقوف وراء الاضطرابات.",
            "ar",
            "protesters",
            "الرئيس المولدوفي فلاديمير فورونين",
        ),
        # a relay that names its source goes on with no one («حسبما أفادت صحيفة …»)
        ("وأسفرت المواجهات عن سقوط نحو 300 قتيل، حسبما أفادت صحيفة محلية.", "ar", "protesters", "أفادت صحيفة محلية"),
        # a passive names no one and goes on with no one
        ("ويذكر أن نشيد أصبح عام 2008 أول رئيس منتخب.", "ar", "ap", ""),
        # «كان» + subject + «قد» + verb: the subject is between «كان» and «قد», before a later speaker
        ("وكان البيت الأبيض قد أكد أنه لم يتلق أي إخطار، فيما قالت وزارة الخارجية الروسية إنها تتابع الوضع.", "ar", "", "البيت الأبيض"),
        ("وكانت وكالة يونهاب قد ذكرت أن مائتي ألف شخص تجمعوا.", "ar", "china_mfa", "وكالة يونهاب"),
        ("وكان لافروف قد قال إن موسكو تتابع الوضع.", "ar", "", "lavrov"),
        # a noun after a preposition is not a subject («بين المتظاهرين»، «مع المحتجين»); a part of a group is the group
        ("وقال وزير الداخلية كريستوف كاستانير إن آلاف المخربين اندسوا بين المتظاهرين.", "ar", "", "وزير الداخلية كريستوف كاستانير"),
        ("انتقد أردوغان تعامل الشرطة مع المحتجين، وقال في كلمة إن أوروبا عاجزة.", "ar", "", "erdogan"),
        ("إذ يرى كثير من المحتجين أن الحكومة أنفقت المليارات على الملاعب.", "ar", "", "protesters"),
        ("یکی از معترضان که از روئن آمده بود به یورونیوز گفت: «ما خشونت‌طلب نیستیم.»", "fa", "", "protesters"),
        # an Arabic masculine plural in «ين» is an object or a genitive, never a verb's subject (unless part of a group)
        ("ووصف تشاوشيسكو في خطابه المتظاهرين بأنهم عناصر مشاغبة.", "ar", "", "تشاوشيسكو في خطابه المتظاهرين"),
        ("وتابع بخاري أن حل الفرقة جاء استجابة لمطالب المتظاهرين.", "ar", "protesters", "بخاري"),
        ("وقال أحد المحتجين إن الشرطة أطلقت النار.", "ar", "", "protesters"),
        ("وقال الرئيس مخاطبا منظمي الاحتجاجات: «سأطاردكم».", "ar", "", "الرئيس مخاطبا منظمي الاحتجاجات"),  # «منظمي»: an object
        # a subject the file lacks is the speaker, not a later verb's («… مطالبا بحكومة خبراء»)
        (
            "وقال رئيس البلدية غابور ديمسكي، في كلمة أمام أنصاره، إن الحكومة فقدت شرعيتها، مطالبا بتشكيل حكومة خبراء.",
            "ar",
            "",
            "رئيس البلدية غابور ديمسكي",
        ),
        # a verb's colon is no headline: «وی افزود: …» goes on with the previous speaker
        ("وی افزود: «مسئولیت این رویدادها بر عهده رهبری پیشین است.»", "fa", "putin", "putin"),
        # Persian: a short headline «Name: words» is that speaker's words (a topic goes before a «؛»)
        ("گیورچانی: استعفا نمی‌دهم", "fa", "", "گیورچانی"),
        ("شیلی در آتش؛ پینیرا: در جنگ با دشمنی قدرتمند هستیم", "fa", "", "پینیرا"),
        # Persian chants and passives, as in Arabic
        ("در ولورا هزاران نفر با سر دادن شعارهای «بریشا برو» خواستار استعفای رئیس جمهور شدند.", "fa", "", "protesters"),
        ("گفته می‌شود دست‌کم ۱۶ نفر جان خود را از دست داده‌اند.", "fa", "protesters", ""),
        ("گزارش شده است که ده‌ها نفر بازداشت شده‌اند.", "fa", "protesters", ""),
        (  # the nearest relay before the passive
            "به نقل از رویترز، پلیس وارد میدان شد. به نقل از خبرگزاری فرانسه، ده‌ها نفر بازداشت شدند. گفته می‌شود یک نفر کشته شد.",
            "fa",
            "",
            "afp",
        ),
        # a passive after a relay that names its source: that source («به نقل از …، … گزارش شده است»)
        ("به نقل از خبرگزاری فرانسه، پلیس به معترضان یورش برد. گزارش شده است که یک نفر کشته شد.", "fa", "", "afp"),
        # a name before the comma of its apposition: that person, not the body named in it
        ("وقالت سارة بن علي، المتحدثة باسم بعثة الأمم المتحدة، إن ستة أشخاص قتلوا.", "ar", "un", "سارة بن علي"),
        # Persian: the words naming the speaker come after an opening phrase and its comma
        ("در مقابل، سرهنگ ژان مالو، سخنگوی پلیس، گفت که دو نفر کشته شدند.", "fa", "un", "سرهنگ ژان مالو سخنگوی"),
        # someone of a body named after it speaks as that person (V4), unless the name is in the file
        (
            "وقال رئيس المفوضية الأوروبية جوزيه مانويل باروسو إن الاتحاد يتابع الوضع.",
            "ar",
            "",
            "رئيس المفوضية الأوروبية جوزيه مانويل باروسو",
        ),
        (
            "وقالت المتحدثة باسم وزارة الخارجية الأمريكية فيكتوريا نولاند إن الانتقال تم بشكل دستوري.",
            "ar",
            "",
            "المتحدثة باسم وزارة الخارجية الأمريكية فيكتوريا نولاند",
        ),
        ("وقال المتحدث باسم وزارة الخارجية الروسية إن موسكو تتابع الوضع.", "ar", "", "russia_mfa"),
        ("وقال المتحدث باسم الكرملين دميتري بيسكوف إن روسيا لن تتدخل.", "ar", "", "peskov"),
    ],
)
def test_speakers_the_file_lacks_are_not_replaced_by_a_known_one(text: str, language: str, previous: str, speaker: str) -> None:
    assert find_voice(text, language, previous_speaker=previous)[:2] == (ATTRIBUTED, speaker)


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ('from = "2020-13-01"\nen = ["X"]', "not a date"),
        ('from = 2020-01-01\nuntil = 2019-01-01\nen = ["X"]', "before its from"),
        ("from = 2020-01-01\nfa = []", "title has no alias"),
        ('otherwise = "nobody"\nen = ["X"]', "is no actor id"),
        ('from = 3\nen = ["X"]', "must be a date"),
    ],
)
def test_bad_titles_say_why(title: str, message: str) -> None:
    toml = f'[[actor]]\nid = "x"\nlabel = "X"\nkind = "government"\nen = ["Mr X"]\n[[actor.title]]\n{title}\n'
    with pytest.raises(VoicesError, match=message):
        parse_actors(tomllib.loads(toml))


def test_titles_survive_the_actors_file_round_trip_and_the_table_reads_dates() -> None:
    again = actors_from_text(actors_to_toml(default_actors()))
    before = {actor.id: [(t.start, t.end, t.otherwise, dict(t.aliases)) for t in actor.titles] for actor in default_actors()}
    assert {actor.id: [(t.start, t.end, t.otherwise, dict(t.aliases)) for t in actor.titles] for actor in again} == before
    assert len(before["putin"]) == 4 and before["zakharova"][0][2] == "russia_mfa"
    table = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "position": [0, 0, 0],
            "language": ["fa"] * 3,
            "kept": [True] * 3,
            "date": ["2013-08-14", "2022-01-07", ""],
            "text": [SECRETARY_OF_STATE] * 3,
        }
    )
    assert add_voices(table)["speaker"].tolist() == ["وزیر خارجه آمریکا", "blinken", "blinken"]
    assert [article_day(value) for value in ("2013-08-14", "2013-08-14T10:00:00", "2013", "", None, dt.date(2013, 1, 2))] == [
        dt.date(2013, 8, 14),
        dt.date(2013, 8, 14),
        None,
        None,
        None,
        dt.date(2013, 1, 2),
    ]


# --------------------------------------------------------------------------------------------
# A table
# --------------------------------------------------------------------------------------------


def test_add_voices_reads_articles_in_order_and_leaves_dropped_rows_blank() -> None:
    table = pd.DataFrame(
        {
            "doc_id": ["a", "a", "a", "b"],
            "position": [1, 0, 2, 0],
            "outlet": ["RT Arabic"] * 4,
            "language": ["ar"] * 4,
            "kept": [True, True, False, True],
            "text": [
                "وأضاف أن العصابات دولية.",
                "وقال توكاييف إن المعركة حقيقية.",
                "اقرأ أيضا",
                "وأضاف أن العصابات دولية.",
            ],
        }
    )
    result = add_voices(table)
    assert result["voice"].tolist() == [ATTRIBUTED, ATTRIBUTED, "", ATTRIBUTED]
    assert result["speaker"].tolist() == ["tokayev", "tokayev", "", ""]
    assert list(table.columns) == ["doc_id", "position", "outlet", "language", "kept", "text"]


# --------------------------------------------------------------------------------------------
# Growing the actors file
# --------------------------------------------------------------------------------------------


def _voiced(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """A kept paragraphs table: (doc_id, language, voice, speaker) per row."""
    return pd.DataFrame(
        [
            {"doc_id": doc, "language": language, "voice": voice, "speaker": speaker, "kept": True, "text": f"text {index}"}
            for index, (doc, language, voice, speaker) in enumerate(rows)
        ]
    )


def test_speaker_candidates_are_the_unknown_speakers_most_frequent_first() -> None:
    table = _voiced(
        [
            ("a", "ar", ATTRIBUTED, "رئيس مجلس الأمن"),
            ("b", "ar", ATTRIBUTED, "رئيس مجلس الأمن"),
            ("b", "ar", ATTRIBUTED, "رئيس مجلس الأمن"),
            ("a", "fa", ATTRIBUTED, "سخنگوی دولت"),
            ("a", "fa", ATTRIBUTED, "putin"),  # a known actor
            ("a", "fa", ATTRIBUTED, ""),  # a quotation without a speaker
            ("a", "fa", OUTLET, ""),
        ]
    )
    candidates = speaker_candidates(table)
    assert candidates.to_dict("records") == [
        {"speaker": "رئيس مجلس الأمن", "language": "ar", "paragraphs": 3, "articles": 2, "example": "text 0"},
        {"speaker": "سخنگوی دولت", "language": "fa", "paragraphs": 1, "articles": 1, "example": "text 3"},
    ]
    assert speaker_candidates(table, min_paragraphs=2)["speaker"].tolist() == ["رئيس مجلس الأمن"]
    assert speaker_candidates(table[table["voice"] == OUTLET]).empty


def test_an_added_actor_is_found_as_the_speaker_and_the_file_round_trips() -> None:
    text = "قال رئيس مجلس الأمن إن القوات ستغادر كازاخستان قريبا."
    assert find_voice(text, "ar").speaker != "security_council_head"
    actors = add_actor(
        default_actors(),
        actor_id="security_council_head",
        label="Head of the Security Council",
        kind="government",
        aliases={"ar": ["رئيس مجلس الأمن", " "]},
    )
    assert actors[-1].aliases["ar"] == ("رئيس مجلس الأمن",) and actors[-1].aliases["fa"] == ()
    assert find_voice(text, "ar", actors=actors) == find_voice(text, "ar", actors=actors)._replace(speaker="security_council_head")
    again = actors_from_text(actors_to_toml(actors))
    assert [(actor.id, actor.label, actor.kind, dict(actor.aliases)) for actor in again] == [
        (actor.id, actor.label, actor.kind, {language: tuple(names) for language, names in actor.aliases.items()}) for actor in actors
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"actor_id": "putin"}, "repeated"),
        ({"actor_id": "Bad Id"}, "lowercase letters"),
        ({"kind": "celebrity"}, "has kind 'celebrity'"),
        ({"aliases": {"fa": [" "]}}, "no alias"),
        ({"aliases": {"fa": ["پوتین"]}}, r"پوتین is already an alias of Vladimir Putin \(putin\)"),
    ],
)
def test_a_new_actor_that_does_not_fit_is_refused_with_a_reason(changes: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"actor_id": "someone", "label": "Someone", "kind": "expert", "aliases": {"fa": ["کسی"]}} | changes
    with pytest.raises(VoicesError, match=message):
        add_actor(default_actors(), **fields)  # type: ignore[arg-type]


def test_an_actors_file_that_is_not_toml_or_holds_no_actor_says_so() -> None:
    with pytest.raises(VoicesError, match=r"mine\.toml: not valid TOML"):
        actors_from_text("[[actor]\nid=", "mine.toml")
    with pytest.raises(VoicesError, match=r"empty\.toml: no \[\[actor\]\] in it"):
        actors_from_text("# nothing\n", "empty.toml")


def test_describe_voice_in_words() -> None:
    assert describe_voice(OUTLET, "") == "the outlet's own words"
    assert describe_voice(ATTRIBUTED, "putin", {"putin": "Vladimir Putin"}) == "attributed to Vladimir Putin"
    assert describe_voice(ATTRIBUTED, "رئيس مجلس الأمن") == "attributed to رئيس مجلس الأمن"
    assert describe_voice(ATTRIBUTED, "") == "attributed (speaker not found)"


def test_find_actors_finds_what_every_actor_pattern_finds() -> None:
    """The literal pre-check and the neighbour-only overlap check change no mention: a plain search (each actor's
    pattern on every text, each mention checked against every chosen one) gives the same, on the evaluation set."""
    from analysis.labels import EVALUATION_LABELS
    from analysis.voices import _alias_patterns, _form, find_actors

    def plain(text: str, language: str) -> list[tuple[int, int, str]]:
        found = [
            (match.start(), match.end(), entry.actor)  # undated: a title names its holder
            for entry in _alias_patterns(default_actors(), language)
            for match in entry.pattern.finditer(text)
        ]
        found.sort(key=lambda mention: (mention[0], mention[0] - mention[1]))
        chosen: list[tuple[int, int, str]] = []
        for mention in sorted(found, key=lambda mention: mention[0] - mention[1]):
            if all(mention[1] <= other[0] or mention[0] >= other[1] for other in chosen):
                chosen.append(mention)
        return sorted(chosen)

    labels = pd.read_csv(EVALUATION_LABELS, dtype=str, keep_default_na=False)
    forms = [(_form(text, language), language) for text, language in zip(labels["text"], labels["language"], strict=True)]
    forms.append((" ".join([form for form, language in forms if language == "ar"][:150]), "ar"))  # one long text, many mentions
    for actor in default_actors():  # every alias as written, and with a preposition absorbing the article's alef («للكرملين»)
        for language in ("fa", "ar"):
            titles = (alias for title in actor.titles for alias in (*title.aliases.get(language, ()), *title.aliases.get("en", ())))
            for alias in (*actor.aliases.get(language, ()), *actor.aliases.get("en", ()), *titles):
                form = _form(alias, language)
                forms += [(f"گفت {form}.", language), (f"قال ل{form[1:]}", language), (f"وقال و{form}", language)]
    assert sum(bool(find_actors(form, language, default_actors())) for form, language in forms) > 200
    for form, language in forms:
        assert [tuple(mention) for mention in find_actors(form, language, default_actors())] == plain(form, language), form[:80]


def test_an_actor_pattern_is_compiled_only_for_a_text_that_holds_its_words() -> None:
    from analysis.voices import _alias_patterns, _compiled, _form, find_actors

    _compiled.cache_clear()
    text = _form("پوتین گفت نیروها بازمی‌گردند.", "fa")
    [mention] = find_actors(text, "fa", default_actors())
    assert mention.actor == "putin"
    assert 1 <= _compiled.cache_info().currsize < len(_alias_patterns(default_actors(), "fa")) / 10
