"""Lines that stand alone: a screen reader hears one prompt at a time, so no two prompts read the same."""

from __future__ import annotations

from collections import Counter

import pytest

from reportbot.dialogue.exchanges import group_question
from reportbot.dialogue.groups import groups
from reportbot.flow.loader import load_flow
from reportbot.wording import wording

FORMS = ("cyfsa-part-x", "fippa-year-end")


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("form", FORMS)
def test_no_two_prompts_of_a_flow_read_the_same(form, language):
    flow, words = load_flow(form), wording(language, form)
    assert words.report is not None
    texts = [words.report.boxes[b.id].question for s in flow.flow.sections for b in s.boxes if b.kind != "derived"]
    texts += [group_question(flow, words, g) for g in groups(flow)]
    repeated = [text for text, n in Counter(texts).items() if n > 1]
    assert not repeated


@pytest.mark.parametrize("form", FORMS)
def test_a_one_choice_is_tagged_in_the_section_that_asks_it(form):
    """The breaches by kind (10.1 is 1) are asked under Section 11's heading: tagged 11.1, not 10.1."""
    flow = load_flow(form)
    for group in groups(flow):
        assert group.tag.split(".")[0] == flow.section_of(group.parts[0][0]).id, group
