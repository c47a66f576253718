"""Français: every English text has its French counterpart (and the reverse),
the French files load, and French answers and commands are understood.

The parity check is a pure function (``gaps``) run on the real files; a test
also feeds it damaged copies to prove that it notices a missing or extra key.
"""

from __future__ import annotations

import copy
import re
import string
from decimal import Decimal
from functools import cache

import pytest

from reportbot.dialogue import understand
from reportbot.dialogue.understand import Command
from reportbot.flow.loader import load_flow
from reportbot.resources import dialogs_dir
from reportbot.wording import languages, load_common, load_report_dialog, wording
from reportbot.yamlio import load_yaml

REPORTS = ("cyfsa-part-x", "fippa-year-end")
FILES = ("common",) + REPORTS

# Fields a French report file sets that the English one leaves to the flow.
FRENCH_ONLY_BOX_FIELDS = {"label", "options"}
FRENCH_ONLY_SECTION_FIELDS = {"title"}
FRENCH_ONLY_TOP = {"column_labels"}
# Messages that are only fields and signs, the same in both languages.
SAME_IN_BOTH = {"cell.column", "check.finding_head", "review.total_mark", "history.column",
                "list.progress", "list.unknown_progress", "tui.app_title", "log.doc.report",
                "sheet.counts", "log.where_column", "log.summary.of_which", "log.map.choice", "log.map.own_column"}
SINGULAR = {"sections": "section", "boxes": "box", "checks": "check", "routes": "route", "notices": "notice"}


@cache
def raw(language: str, name: str) -> dict:
    path = dialogs_dir() / language / f"{name}.yaml"
    return load_yaml(path.read_text(encoding="utf-8"), aliases=True)


def fields(template: str) -> set[str]:
    """The {named} fields of a template ("{text!r}" -> "text")."""
    out = set()
    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None:
            out.add(re.split(r"[.\[]", name)[0])
    return out


def _keys(entry: str, en: dict, fr: dict, out: list[str]) -> None:
    for k in sorted(set(en) - set(fr), key=str):
        out.append(f"{entry} {k}: English only")
    for k in sorted(set(fr) - set(en), key=str):
        out.append(f"{entry} {k}: French only")


def gaps(name: str, en: dict, fr: dict) -> list[str]:
    """Every difference in shape between an English and a French dialog file."""
    out: list[str] = []
    if name == "common":
        _keys("messages", en.get("messages", {}), fr.get("messages", {}), out)
        _keys("vocabulary", en.get("vocabulary", {}), fr.get("vocabulary", {}), out)
        for key in sorted(set(en.get("messages", {})) & set(fr.get("messages", {}))):
            e, f = fields(en["messages"][key]), fields(fr["messages"][key])
            if e != f:
                out.append(f"message {key}: fields {sorted(e)} in English, {sorted(f)} in French")
        for meaning, words in (fr.get("vocabulary") or {}).items():
            if not words:
                out.append(f"vocabulary {meaning}: no French word")
        return out

    for k in sorted(set(en) - set(fr)):
        out.append(f"{k}: English only")
    for k in sorted(set(fr) - set(en) - FRENCH_ONLY_TOP):
        out.append(f"{k}: French only")
    for part in ("sections", "boxes", "checks", "routes", "notices"):
        e, f = en.get(part) or {}, fr.get(part) or {}
        _keys(SINGULAR[part], e, f, out)
        for item in sorted(set(e) & set(f), key=str):
            if not isinstance(e[item], dict):
                if not isinstance(f[item], str) or not f[item].strip():
                    out.append(f"{SINGULAR[part]} {item}: no French text")
                continue
            extra_ok = {"boxes": FRENCH_ONLY_BOX_FIELDS, "sections": FRENCH_ONLY_SECTION_FIELDS}.get(part, set())
            for field in sorted(set(e[item]) - set(f[item] or {})):
                out.append(f"{SINGULAR[part]} {item}: {field} English only")
            for field in sorted(set(f[item] or {}) - set(e[item]) - extra_ok):
                out.append(f"{SINGULAR[part]} {item}: {field} French only")
    _log_gaps(en.get("log") or {}, fr.get("log") or {}, out)
    return out


def _log_gaps(en: dict, fr: dict, out: list[str]) -> None:
    """The request log's words: the same columns, each with the same fields, and the same codes."""
    e, f = en.get("columns") or {}, fr.get("columns") or {}
    _keys("log column", e, f, out)
    for column in sorted(set(e) & set(f)):
        _keys(f"log column {column}", e[column] or {}, f[column] or {}, out)
    _keys("log code", en.get("codes") or {}, fr.get("codes") or {}, out)


# --- parity ---------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_every_english_text_has_a_french_one_and_the_reverse(name):
    assert gaps(name, raw("en", name), raw("fr", name)) == []


def test_the_parity_check_notices_any_gap():
    en, fr = raw("en", "common"), copy.deepcopy(raw("fr", "common"))
    del fr["messages"]["quit.saved"]
    fr["vocabulary"]["dance"] = ["danser"]
    fr["messages"]["help.start"] = "Répondez par {number}."
    found = gaps("common", en, fr)
    assert "messages quit.saved: English only" in found
    assert "vocabulary dance: French only" in found
    assert any(g.startswith("message help.start: fields") for g in found)

    en, fr = raw("en", "fippa-year-end"), copy.deepcopy(raw("fr", "fippa-year-end"))
    del fr["boxes"]["9.6"]["why"]
    del fr["checks"]["fippa-9.4-within-9.1"]
    fr["routes"]["fippa-invented"] = "Inventé."
    del fr["sections"]["6a"]["intro"]
    del fr["log"]["columns"]["due"]
    del fr["log"]["columns"]["received"]["note"]
    fr["log"]["codes"]["maybe"] = "Peut-être"
    found = gaps("fippa-year-end", en, fr)
    assert "box 9.6: why English only" in found
    assert "check fippa-9.4-within-9.1: English only" in found
    assert "route fippa-invented: French only" in found
    assert "section 6a: intro English only" in found
    assert "log column due: English only" in found
    assert "log column received note: English only" in found
    assert "log code maybe: French only" in found


@pytest.mark.parametrize("report", REPORTS)
def test_french_names_every_box_section_option_and_column(report):
    flow = load_flow(report)
    fr = load_report_dialog("fr", report)
    for section in flow.flow.sections:
        assert fr.sections.get(section.id) and fr.sections[section.id].title, f"section {section.id}: no French title"
    for box_id, info in flow.by_id.items():
        text = fr.boxes[box_id]
        assert text.label and text.label != info.box.label or box_id in {"10.4"}, f"box {box_id}: no French label"
        if info.box.kind == "choice":
            assert text.options and set(text.options) == {o.id for o in info.box.options or []}, box_id
        if info.box.kind == "derived":
            assert text.total, box_id
    assert set(fr.column_labels) == {c.id for c in flow.flow.columns}


def test_fippa_column_labels():
    assert load_report_dialog("fr", "fippa-year-end").column_labels == {
        "personal": "Renseignements personnels",
        "general": "Documents généraux",
    }


def test_cyfsa_provider_types_in_french():
    options = load_report_dialog("fr", "cyfsa-part-x").boxes["1.2"].options
    assert options["childrens_aid_society"] == "Société d'aide à l'enfance"
    assert options["indigenous_child_well_being_society"] == "Société de bien-être de l'enfance autochtone"
    assert options["other"] == "Autre"


def _texts(language: str, form: str):
    """(where, English, French) for every sentence of a report dialog file."""
    en, fr = load_report_dialog("en", form), load_report_dialog(language, form)
    for sid, s in en.sections.items():
        if s.intro:
            yield f"section {sid} intro", s.intro, fr.sections[sid].intro
    for bid, b in en.boxes.items():
        for field in ("question", "help", "why", "total"):
            if getattr(b, field):
                yield f"box {bid} {field}", getattr(b, field), getattr(fr.boxes[bid], field)
    for cid, c in en.checks.items():
        yield f"check {cid} message", c.message, fr.checks[cid].message
        yield f"check {cid} fix", c.fix, fr.checks[cid].fix
    for rid, r in en.routes.items():
        yield f"route {rid}", r, fr.routes[rid]
    for nid, n in en.notices.items():
        yield f"notice {nid}", n, fr.notices[nid]
    yield "title", en.title, fr.title


@pytest.mark.parametrize("form", REPORTS)
def test_no_report_text_is_left_in_english(form):
    same = [where for where, e, f in _texts("fr", form) if e == f]
    assert same == []


def test_no_message_is_left_in_english():
    en, fr = load_common("en").messages, load_common("fr").messages
    same = [k for k in en if k in fr and en[k] == fr[k] and k not in SAME_IN_BOTH and k != "understand.decimal_mark"]
    assert same == []


def _all_french_text() -> list[tuple[str, str]]:
    out = [(f"common {k}", v) for k, v in load_common("fr").messages.items()]
    for form in REPORTS:
        out += [(f"{form} {where}", f) for where, _, f in _texts("fr", form)]
        fr = load_report_dialog("fr", form)
        out += [(f"{form} box {b} label", t.label or "") for b, t in fr.boxes.items()]
        out += [(f"{form} section {s} title", t.title or "") for s, t in fr.sections.items()]
        out += [(f"{form} box {b} option {o}", lab) for b, t in fr.boxes.items() for o, lab in (t.options or {}).items()]
    return out


def test_french_texts_use_the_french_names_of_the_laws_and_the_commissioner():
    english_names = re.compile(r"\b(IPC|FIPPA|CYFSA|PHIPA|Part X)\b")
    found = [where for where, text in _all_french_text() if english_names.search(text)]
    assert found == []
    assert "Loi sur l'accès à l'information et la protection de la vie privée" in load_report_dialog("fr", "fippa-year-end").title
    assert "Loi de 2017 sur les services à l'enfance, à la jeunesse et à la famille" in load_report_dialog("fr", "cyfsa-part-x").title
    notice = load_report_dialog("fr", "cyfsa-part-x").notices["cyfsa-phipa-custodian-need-not-file"]
    assert "LPRPS" in notice and "LSEJF" in notice


def test_french_texts_name_french_commands_and_write_money_the_french_way():
    english_commands = re.compile(r"\b(help|why|back|review|quit|go to|skip|later|what.s left|change \d)\b", re.I)
    found = [where for where, text in _all_french_text() if english_commands.search(re.sub(r"\{[^}]*\}", "", text))]
    assert found == []
    english_money = re.compile(r"\$\s?\d|\d,\d{3}\b")
    assert [where for where, text in _all_french_text() if english_money.search(text)] == []
    help_ = load_common("fr").messages["help.commands"]
    for word in ("aide", "pourquoi", "retour", "revoir", "aller à 6.3", "changer 4.1 à 7", "quitter"):
        assert word in help_


def test_every_command_word_a_french_text_mentions_is_understood():
    w = wording("fr", "fippa-year-end")
    for said, name in [("aide", "help"), ("pourquoi", "why"), ("retour", "back"), ("passer", "skip"),
                       ("revoir", "review"), ("qu'est-ce qui reste", "left"), ("quitter", "quit"), ("plus tard", "later")]:
        assert understand.command(w, said) == Command(name), said


# --- loading --------------------------------------------------------------------


@pytest.mark.parametrize("report", REPORTS)
def test_french_report_dialog_loads_and_validates(report):
    dialog = load_report_dialog("fr", report)
    assert dialog.language == "fr" and dialog.report == report


def test_french_common_loads():
    common = load_common("fr")
    assert common.language == "fr" and common.language_name == "Français"
    assert "fr" in languages()
    w = wording("fr")
    assert w.language == "fr" and w.report is None
    assert w.t("understand.decimal_mark") == ","
    assert w.t("section.title", id="3", title="Nombre de demandes traitées") == "Section 3 : Nombre de demandes traitées"
    assert wording("fr", "cyfsa-part-x").report.language == "fr"


def test_french_data_files_start_with_their_schema():
    for name in FILES:
        first = (dialogs_dir() / "fr" / f"{name}.yaml").read_text(encoding="utf-8").splitlines()[0]
        schema = "common-dialog" if name == "common" else "dialog"
        assert first == f"# yaml-language-server: $schema=../../schema/{schema}.schema.json"


# --- understanding ----------------------------------------------------------------


@pytest.fixture(scope="module")
def w():
    return wording("fr", "fippa-year-end")


@pytest.fixture(scope="module")
def fippa_flow():
    return load_flow("fippa-year-end")


@pytest.mark.parametrize(
    "said,value",
    [("vingt et un", 21), ("vingt-et-un", 21), ("quatre-vingt-dix", 90), ("quatre vingt dix", 90),
     ("aucun", 0), ("aucune", 0), ("zéro", 0), ("zero", 0), ("non", 0), ("rien", 0), ("néant", 0),
     ("12", 12), ("1 234", 1234)],
)
def test_french_counts(w, fippa_flow, said, value):
    assert understand.number(w, said) == value
    assert understand.value_for(w, fippa_flow.by_id["3.1"].box, said) == value


@pytest.mark.parametrize("said", ["1 234,50 $", "1234,50", "1 234,50", "1\u00a0234,50 $", "1234,50 $"])
def test_french_money(w, fippa_flow, said):
    assert understand.value_for(w, fippa_flow.by_id["9.2"].box, said) == Decimal("1234.50")


def test_french_decimal(w, fippa_flow):
    assert understand.value_for(w, fippa_flow.by_id["1.3"].box, "12,5") == Decimal("12.5")


def test_french_not_a_number_says_so_in_french(w, fippa_flow):
    with pytest.raises(understand.NotUnderstood, match="Il me faut ici un nombre"):
        understand.value_for(w, fippa_flow.by_id["3.1"].box, "beaucoup")


@pytest.mark.parametrize("said,answer", [("oui", True), ("Oui.", True), ("o", True), ("d'accord", True), ("exact", True),
                                         ("correct", True), ("non", False), ("n", False), ("peut-être", None)])
def test_french_yes_no(w, said, answer):
    assert understand.yes_no(w, said) is answer


@pytest.mark.parametrize(
    "said,cmd",
    [
        ("aide", Command("help")),
        ("?", Command("help")),
        ("pourquoi", Command("why")),
        ("pourquoi 6.3", Command("why", "6.3")),
        ("retour", Command("back")),
        ("précédent", Command("back")),
        ("revoir", Command("review")),
        ("réviser", Command("review")),
        ("aller à 6.3", Command("goto", "6.3")),
        ("Aller a 6.3", Command("goto", "6.3")),
        ("changer 4.1 à 7", Command("change", "4.1", "7")),
        ("modifier 4.1 a 7", Command("change", "4.1", "7")),
        ("4.1 est 7", Command("change", "4.1", "7")),
        ("changer 3.1 personal à 7", Command("change", "3.1 personal", "7")),
        ("quitter", Command("quit")),
        ("sortir", Command("quit")),
        ("passer", Command("skip")),
        ("qu’est-ce qui reste", Command("left")),
        ("langue", Command("language")),
        ("language", Command("language")),
        ("langue en", Command("language", value="en")),
        ("plus tard", Command("later")),
    ],
)
def test_french_commands(w, said, cmd):
    assert understand.command(w, said) == cmd


@pytest.mark.parametrize("said", ["vingt et un", "1 234,50 $", "oui", "aucune", "Société d'aide à l'enfance"])
def test_french_answers_are_not_commands(w, said):
    assert understand.command(w, said) is None


def test_english_command_words_are_not_french_commands(w):
    for said in ("help", "back", "quit", "go to 6.3", "change 4.1 to 7"):
        assert understand.command(w, said) is None, said


def test_french_choices_by_their_french_labels(fippa_flow):
    w = wording("fr", "fippa-year-end")
    labels = w.report.boxes["1.2"].options
    assert understand.choice(w, fippa_flow.by_id["1.2"].box, "organisme", labels) == "agency"
    assert understand.choice(w, fippa_flow.by_id["1.2"].box, "Ministère", labels) == "ministry"
    cyfsa = load_flow("cyfsa-part-x")
    wc = wording("fr", "cyfsa-part-x")
    labels = wc.report.boxes["1.2"].options
    assert understand.choice(wc, cyfsa.by_id["1.2"].box, "société d'aide à l'enfance", labels) == "childrens_aid_society"
    assert understand.choice(wc, cyfsa.by_id["1.2"].box, "autochtone", labels) == "indigenous_child_well_being_society"
    assert understand.choice(wc, cyfsa.by_id["1.2"].box, "autre", labels) == "other"


def test_french_column_words_in_change(w):
    assert understand.command(w, "changer 3.1 personnel à 7") == Command("change", "3.1 personal", "7")


@pytest.mark.parametrize("report", REPORTS)
def test_french_total_phrases_read_after_total_des(report):
    """total.makes says "Total des {total} ({cell}) : {value}.", which avoids agreeing a noun with 0 or 1."""
    assert load_common("fr").messages["total.makes"].startswith("Total des {total}")
    bad = [b for b, t in load_report_dialog("fr", report).boxes.items()
           if t.total and (not t.total[0].islower() or t.total.split()[0] in {"en", "de", "des", "les", "le", "la"})]
    assert bad == []
