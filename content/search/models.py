"""What search reads: one entry per published version and language, and its keys."""

from django.db import models

from content.publishing.models import Publication


class SearchEntry(models.Model):
    """What search reads of a published version in one language, computed when it is published.

    The `*_index` columns hold content.search.text's keys (" key key "), already folded; the entry's
    distinct keys are also rows of SearchKey, with the fields each occurs in, so the database
    finds and ranks the candidates from those rows alone (content.search.indexing.ranked_entries,
    the same on SQLite and PostgreSQL) and reads the plain texts, which give the snippets, of
    the page of results shown only. Only entries of a procedure's live version are ever
    searched (content.site.views.live_search).
    """

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="search_entries")
    language = models.CharField(max_length=8)
    title_index = models.TextField(blank=True)
    headings_index = models.TextField(blank=True)
    glossary_terms_index = models.TextField(blank=True)
    text_index = models.TextField(blank=True)
    title = models.CharField(max_length=200, blank=True)
    # The title's own language: English on the Arabic entry while the title is untranslated.
    title_language = models.CharField(max_length=8, blank=True)
    # content.rendering.words.fold(title): results that tie are listed by it (content.search.
    # indexing.ranking). A text, as NFKC can make a title longer.
    sort_title = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    headings = models.TextField(blank=True)
    text = models.TextField(blank=True)
    # Where each section starts in `headings` and `text`, so a result links to the section its
    # snippet is from (content.search.text.places_text / section_at).
    places = models.TextField(blank=True)
    # Where the page uses the keys the entry is found by that its own texts lack (the other
    # language's words, the glossary's other names for its terms): "<key> <anchor>" lines.
    other_places = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publication", "language"], name="one_search_entry_per_language")
        ]

    def __str__(self):
        return f"{self.publication} ({self.language})"


class SearchKey(models.Model):
    """One distinct key (content.rendering.words) of a SearchEntry. `head` is its first four
    letters: a query term matches a key equal to it or, from four letters on, one it begins
    (content.search.text.MIN_PREFIX_MATCH), so every term is looked up by equality on `head`
    through an index, then checked in full on the few rows found. Equality needs no collation
    rules: SQLite and PostgreSQL find the same rows.

    The `in_*` flags say which of the entry's fields (content.search.text.SEARCH_FIELDS) use the key,
    which is all ranking needs to know of a field. The index holds every column ranking reads,
    so a search reads the index alone, never the table's rows."""

    HEAD = 4

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="search_keys")
    head = models.CharField(max_length=HEAD)
    key = models.CharField(max_length=200)
    in_title = models.BooleanField(default=False)
    in_headings = models.BooleanField(default=False)
    in_glossary_terms = models.BooleanField(default=False)
    in_text = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["head", "key", "entry", "in_title", "in_headings", "in_glossary_terms", "in_text"],
                name="search_key_ranking",
            ),
        ]

    def __str__(self):
        return self.key


class SearchVariant(models.Model):
    """One spelling of a search key's deletion neighbourhood (content.search.spelling): the key
    with up to one or two letters left out, or the key itself. Shared by every entry that has the
    key; a misspelt query word is looked up by its own neighbourhood on the unique index, which
    holds both columns, so the lookup reads the index alone."""

    variant = models.CharField(max_length=200)
    key = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["variant", "key"], name="search_variant_lookup")]

    def __str__(self):
        return f"{self.variant} -> {self.key}"


class SearchCode(models.Model):
    """A coded concept (content.editing.codes) a live version is for, as a health record asks for
    it: written when the version is published, beside its search entries, so an Infobutton or FHIR
    request finds its leaflets by an index instead of reading every published document."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="search_codes")
    system = models.CharField(max_length=16)  # a key of content.editing.codes.SYSTEMS
    code = models.CharField(max_length=40)  # as published, e.g. "C78.7"
    key = models.CharField(max_length=40)  # compared form: upper case, no dot ("C787")

    class Meta:
        indexes = [models.Index(fields=["key", "system"], name="search_code_lookup")]

    def __str__(self):
        return f"{self.system} {self.code}"
