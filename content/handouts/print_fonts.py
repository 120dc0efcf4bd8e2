"""Fonts as WeasyPrint embeds them in a PDF, changed only where the PDF's text layer needs it.

A PDF says which characters each glyph stands for, one entry per glyph. The lam-alef ligature
(لا) is one glyph for two letters, and PDF readers such as poppler spread those letters over the
glyph left to right, so under a right-to-left line "العلاج" comes back as "العالج": copying,
searching and screen readers got a tenth of the Arabic handout's words wrong. Here each
two-letter ligature is drawn as the ligature glyph on its first letter followed by an empty glyph
on its second: the page looks the same, and every glyph stands for one letter.
"""

from fontTools.ttLib.tables import otTables
from fontTools.ttLib.tables._g_l_y_f import Glyph

LIGATURE_FEATURES = {"rlig", "liga"}
# A glyph class in GDEF: a base glyph, so lookups that skip marks still see the empty letter.
BASE_GLYPH = 1


def _single_substitution(mapping):
    subtable = otTables.SingleSubst()
    subtable.mapping = dict(mapping)
    lookup = otTables.Lookup()
    lookup.LookupType, lookup.LookupFlag = 1, 0
    lookup.SubTable, lookup.SubTableCount = [subtable], 1
    return lookup


def _coverage(glyph):
    coverage = otTables.Coverage()
    coverage.glyphs = [glyph]
    return coverage


def _apply(position, lookup_index):
    record = otTables.SubstLookupRecord()
    record.SequenceIndex, record.LookupListIndex = position, lookup_index
    return record


def _in_context(first, second, ligature_lookup, empty_lookup):
    """A rule: where `first` is followed by `second`, apply one lookup to each."""
    rule = otTables.ChainContextSubst()
    rule.Format = 3
    rule.BacktrackGlyphCount, rule.BacktrackCoverage = 0, []
    rule.LookAheadGlyphCount, rule.LookAheadCoverage = 0, []
    rule.InputGlyphCount, rule.InputCoverage = 2, [_coverage(first), _coverage(second)]
    rule.SubstCount = 2
    rule.SubstLookupRecord = [_apply(0, ligature_lookup), _apply(1, empty_lookup)]
    return rule


def separate_ligatures(font):
    """Rewrite `font` (a fontTools TTFont with glyf outlines) in place so that every two-letter
    ligature becomes ligature glyph + empty glyph; longer ligatures (the word Allah as one glyph)
    are left out, their letters drawn one by one. Returns how many ligatures were separated."""
    if "GSUB" not in font or "glyf" not in font:
        return 0
    gsub = font["GSUB"].table
    features = {}
    for record in gsub.FeatureList.FeatureRecord:
        for index in record.Feature.LookupListIndex:
            features.setdefault(index, set()).add(record.FeatureTag)
    lookups = gsub.LookupList.Lookup
    empty_glyphs, separated = {}, 0
    for index, lookup in enumerate(list(lookups)):
        if lookup.LookupType != 4 or not features.get(index, set()) & LIGATURE_FEATURES:
            continue
        pairs = [
            (first, ligature.Component[0], ligature.LigGlyph)
            for subtable in lookup.SubTable
            for first, ligatures in subtable.ligatures.items()
            for ligature in ligatures
            if len(ligature.Component) == 1
        ]
        if not pairs:
            continue
        empties = {second: f"{second}.in-ligature" for _first, second, _ligature in pairs}
        empty_glyphs.update(dict.fromkeys(empties.values()))
        lookups.append(_single_substitution(empties))
        empty_lookup = len(lookups) - 1
        rules = []
        for first, second, ligature in pairs:
            lookups.append(_single_substitution({first: ligature}))
            rules.append(_in_context(first, second, len(lookups) - 1, empty_lookup))
        # Same place in the feature, same flags (skipping marks between the letters): only the
        # kind of lookup changes, from ligature to contextual.
        lookup.LookupType, lookup.SubTable, lookup.SubTableCount = 6, rules, len(rules)
        separated += len(pairs)
    if empty_glyphs:
        font.setGlyphOrder(font.getGlyphOrder() + list(empty_glyphs))
        for name in empty_glyphs:
            font["glyf"].glyphs[name] = Glyph()
            font["hmtx"].metrics[name] = (0, 0)
        if "GDEF" in font and font["GDEF"].table.GlyphClassDef:
            font["GDEF"].table.GlyphClassDef.classDefs.update(dict.fromkeys(empty_glyphs, BASE_GLYPH))
        gsub.LookupList.LookupCount = len(lookups)
    return separated
