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


# Vowel marks (harakat, shadda, tanween) are separate glyphs that GPOS moves onto their letter.
# WeasyPrint writes a vertical move as a text rise and a sideways one as a gap in the text, and
# poppler (pdftotext, Evince, Okular) starts a new word wherever the baseline moves or a gap
# opens, so "يُسمّى" came back as "ُي سم ّى": 94% of the Arabic handout's words came back whole.
# Here each mark gets copies already drawn where it lands over or under the letters it meets; a
# contextual substitution, after the shaping features, picks the copy after each letter, and the
# copy is left where the pen is (no attachment, no move). The page looks as before, to MARK_STEP
# units of the font's 1000, and the text layer holds each word's letters and marks in order.
MARK_STEP = 20
MARK_GLYPH = 3


def _mark_to_base_subtables(gpos):
    """The mark-to-base subtables of the 'mark' feature, each with its lookup."""
    features = {}
    for record in gpos.FeatureList.FeatureRecord:
        for index in record.Feature.LookupListIndex:
            features.setdefault(index, set()).add(record.FeatureTag)
    for index, lookup in enumerate(gpos.LookupList.Lookup):
        if "mark" not in features.get(index, ()):
            continue
        for subtable in lookup.SubTable:
            if lookup.LookupType == 9:
                subtable = subtable.ExtSubTable
            if getattr(subtable, "LookupType", lookup.LookupType) == 4 and subtable.Format == 1:
                yield subtable


def _mark_to_mark_subtables(gpos):
    for lookup in gpos.LookupList.Lookup:
        for subtable in lookup.SubTable:
            if lookup.LookupType == 9:
                subtable = subtable.ExtSubTable
            if getattr(subtable, "LookupType", lookup.LookupType) == 6 and subtable.Format == 1:
                yield subtable


def _anchor(x, y):
    anchor = otTables.Anchor()
    anchor.Format, anchor.XCoordinate, anchor.YCoordinate = 1, x, y
    return anchor


def _after(bases, marks, lookup_index):
    """A rule: a mark in `marks` right after a glyph in `bases` is replaced by `lookup_index`."""
    rule = otTables.ChainContextSubst()
    rule.Format = 3
    rule.BacktrackGlyphCount, rule.BacktrackCoverage = 1, [otTables.Coverage()]
    rule.BacktrackCoverage[0].glyphs = bases
    rule.InputGlyphCount, rule.InputCoverage = 1, [otTables.Coverage()]
    rule.InputCoverage[0].glyphs = marks
    rule.LookAheadGlyphCount, rule.LookAheadCoverage = 0, []
    rule.SubstCount, rule.SubstLookupRecord = 1, [_apply(0, lookup_index)]
    return rule


def bake_mark_heights(font):
    """Rewrite `font` (a fontTools TTFont with glyf outlines) in place so that an Arabic vowel mark
    after a letter is a copy of the mark drawn where GPOS would have moved it, and is not moved.
    Returns how many mark copies were made."""
    if not all(table in font for table in ("GSUB", "GPOS", "glyf", "GDEF")):
        return 0
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    gsub, gpos = font["GSUB"].table, font["GPOS"].table
    glyph_set = font.getGlyphSet()
    wanted = _arabic_marks(font)
    order = list(font.getGlyphOrder())
    copies = {}  # (mark, dx, dy) -> name of the copy drawn that far from its own place
    rules = []  # (letters, {mark: copy})

    for subtable in _mark_to_base_subtables(gpos):
        marks = subtable.MarkCoverage.glyphs
        bases = subtable.BaseCoverage.glyphs
        for mark_class in range(subtable.ClassCount):
            in_class = [(mark, record)
                        for mark, record in zip(marks, subtable.MarkArray.MarkRecord, strict=True)
                        if record.Class == mark_class and mark in wanted]
            if not in_class:
                continue
            points = {}  # the letter's anchor, rounded -> the letters
            for base, record in zip(bases, subtable.BaseArray.BaseRecord, strict=True):
                anchor = record.BaseAnchor[mark_class]
                if anchor is not None:
                    point = (_rounded(anchor.XCoordinate), _rounded(anchor.YCoordinate))
                    points.setdefault(point, []).append(base)
            for (x, y), letters in points.items():
                substitutions = {}
                for mark, record in in_class:
                    dx, dy = x - record.MarkAnchor.XCoordinate, y - record.MarkAnchor.YCoordinate
                    if dx or dy:
                        name = copies.setdefault((mark, dx, dy), f"{mark}.at{dx}_{dy}".replace("-", "m"))
                        substitutions[mark] = name
                if substitutions:
                    rules.append((letters, substitutions))
    if not copies:
        return 0

    # The copies: the mark's outline moved by (dx, dy), no advance, a mark in GDEF.
    for (mark, dx, dy), name in copies.items():
        pen = TTGlyphPen(glyph_set)
        pen.addComponent(mark, (1, 0, 0, 1, dx, dy))
        font["glyf"].glyphs[name] = pen.glyph()
        font["hmtx"].metrics[name] = (font["hmtx"].metrics[mark][0], font["hmtx"].metrics[mark][1])
        order.append(name)
    font.setGlyphOrder(order)
    font["glyf"].glyphOrder = order
    class_def = font["GDEF"].table.GlyphClassDef
    if class_def:
        class_def.classDefs.update(dict.fromkeys(copies.values(), MARK_GLYPH))
    attach = font["GDEF"].table.MarkAttachClassDef
    if attach:
        for (mark, _dx, _dy), name in copies.items():
            if mark in attach.classDefs:
                attach.classDefs[name] = attach.classDefs[mark]

    # GPOS: a copy is in no mark-to-letter table, so nothing moves it; a mark stacked on it (a
    # fatha on a shadda) still attaches to it, at its moved anchor.
    for subtable in _mark_to_mark_subtables(gpos):
        below = {glyph: index for index, glyph in enumerate(subtable.Mark2Coverage.glyphs)}
        records = {}
        for (mark, dx, dy), name in copies.items():
            if mark in below:
                record = subtable.Mark2Array.Mark2Record[below[mark]]
                copy = otTables.Mark2Record()
                copy.Mark2Anchor = [None if a is None else _anchor(a.XCoordinate + dx, a.YCoordinate + dy)
                                    for a in record.Mark2Anchor]
                records[name] = copy
        _add_covered(subtable.Mark2Coverage, subtable.Mark2Array.Mark2Record, records, font)
        subtable.Mark2Array.Mark2Count = len(subtable.Mark2Array.Mark2Record)

    # GSUB: after the shaping features (last in 'calt'), each mark after a letter becomes its copy.
    lookups = gsub.LookupList.Lookup
    contextual = otTables.Lookup()
    contextual.LookupType, contextual.LookupFlag = 6, 0
    contextual.SubTable = []
    in_order = font.getReverseGlyphMap()
    for letters, substitutions in rules:
        lookups.append(_single_substitution(substitutions))
        contextual.SubTable.append(_after(sorted(letters, key=in_order.get),
                                          sorted(substitutions, key=in_order.get), len(lookups) - 1))
    contextual.SubTableCount = len(contextual.SubTable)
    lookups.append(contextual)
    gsub.LookupList.LookupCount = len(lookups)
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag == "calt":
            record.Feature.LookupListIndex.append(len(lookups) - 1)
            record.Feature.LookupCount = len(record.Feature.LookupListIndex)
    return len(copies)


def _add_covered(coverage, records, more, font):
    """Add glyphs with their records ({glyph: record}) to a coverage table and its parallel
    record list, in glyph order (coverage tables are sorted by glyph id)."""
    in_order = font.getReverseGlyphMap()
    pairs = sorted([*zip(coverage.glyphs, records, strict=True), *more.items()],
                   key=lambda pair: in_order[pair[0]])
    coverage.glyphs = [name for name, _record in pairs]
    records[:] = [item for _name, item in pairs]


def _rounded(value):
    return round(value / MARK_STEP) * MARK_STEP


def _arabic_marks(font):
    """The glyphs of the Arabic vowel marks (U+064B-0652, U+0656-065F, U+0670) and every glyph the
    font's substitutions may turn them into. Not the hamza and madda marks (U+0653-0655): the
    font draws a letter such as ئ as a letter and a hamza mark that both stand for ئ in the PDF,
    and moved into the word the hamza would be read twice ("شيئًئا")."""
    vowels = {*range(0x064B, 0x0653), *range(0x0656, 0x0660), 0x0670}
    marks = {glyph for code, glyph in font.getBestCmap().items() if code in vowels}
    single = [subtable.mapping for lookup in font["GSUB"].table.LookupList.Lookup
              if lookup.LookupType == 1 for subtable in lookup.SubTable]
    grown = True
    while grown:
        more = {mapping[glyph] for mapping in single for glyph in marks if glyph in mapping}
        grown = not more <= marks
        marks |= more
    return marks


# Brackets in right-to-left text are drawn mirrored: ")" in an Arabic sentence is drawn with the
# "(" glyph. A PDF maps each glyph to one text, chosen by WeasyPrint where the glyph is first
# used, so after an Arabic "(...)" every English "(" copied back as ")" (36 pairs in the bilingual
# handout), or the other way round. Here a right-to-left run gets its own copies of the brackets
# (the 'rtla' feature, on only in right-to-left runs), so each glyph stands for one character.
MIRRORED = "()[]{}<>\u00ab\u00bb\u2039\u203a"


def _add_feature(gsub, tag, lookup_index):
    """Register a new feature with one lookup in every script and language of the font."""
    feature = otTables.Feature()
    feature.FeatureParams, feature.LookupListIndex, feature.LookupCount = None, [lookup_index], 1
    record = otTables.FeatureRecord()
    record.FeatureTag, record.Feature = tag, feature
    gsub.FeatureList.FeatureRecord.append(record)
    gsub.FeatureList.FeatureCount = len(gsub.FeatureList.FeatureRecord)
    index = len(gsub.FeatureList.FeatureRecord) - 1
    for script in gsub.ScriptList.ScriptRecord:
        systems = [script.Script.DefaultLangSys, *(r.LangSys for r in script.Script.LangSysRecord)]
        for system in systems:
            if system is not None:
                system.FeatureIndex.append(index)
                system.FeatureCount = len(system.FeatureIndex)


def separate_mirrored_brackets(font):
    """Rewrite `font` (a fontTools TTFont with glyf outlines and GSUB) in place so that brackets
    in right-to-left runs are copies of the brackets' glyphs. Returns how many were copied."""
    if "GSUB" not in font or "glyf" not in font:
        return 0
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    cmap = font.getBestCmap()
    glyphs = sorted({cmap[ord(char)] for char in MIRRORED if ord(char) in cmap})
    if not glyphs:
        return 0
    glyph_set = font.getGlyphSet()
    copies = {glyph: f"{glyph}.rtl" for glyph in glyphs}
    for glyph, name in copies.items():
        pen = TTGlyphPen(glyph_set)
        pen.addComponent(glyph, (1, 0, 0, 1, 0, 0))
        font["glyf"].glyphs[name] = pen.glyph()
        font["hmtx"].metrics[name] = font["hmtx"].metrics[glyph]
    order = font.getGlyphOrder() + list(copies.values())
    font.setGlyphOrder(order)
    font["glyf"].glyphOrder = order
    if "GDEF" in font and font["GDEF"].table.GlyphClassDef:
        classes = font["GDEF"].table.GlyphClassDef.classDefs
        classes.update({name: classes[glyph] for glyph, name in copies.items() if glyph in classes})
    gsub = font["GSUB"].table
    gsub.LookupList.Lookup.append(_single_substitution(copies))
    gsub.LookupList.LookupCount = len(gsub.LookupList.Lookup)
    _add_feature(gsub, "rtla", gsub.LookupList.LookupCount - 1)
    return len(copies)
