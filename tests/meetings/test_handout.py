"""The anonymised handout of a case conference: the masking (record values in every written form, the
patterns, places as 「A町」, dates as 年月), measured on a synthetic set of 60 summaries; the page where a
person confirms the spans, and the PDF, audited; access."""

from .handout_corpus import measure


def test_measure_no_identifying_value_survives_in_60_summaries():
    figures = measure(60)
    print(
        f"\nhandout masking: {figures['summaries']} summaries, {figures['embedded']} identifying values embedded, "
        f"{figures['spans']} spans masked, {figures['false_positives']} false positives, "
        f"{len(figures['survivors'])} survivors"
    )
    assert figures["summaries"] == 60
    assert figures["survivors"] == []
