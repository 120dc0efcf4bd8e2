"""Published procedures made up for the benchmarks: `bench` (the list and search at 1,000 pages)
and `bench_search` (search alone).

Each is published through the real publish path, so its document and search entries are what a
clinician's publication computes. Their words are random, except a few words the demo uses too,
each on about one page in a hundred, so a search finds a few of them, as it would on a real portal.
"""

import datetime
import random

from django.db import transaction

from content.editing.models import Procedure, Section
from content.editing.revisions import record_revision
from content.publishing.localized import text_entry
from content.publishing.workflow import publish_revision

# Words the generated pages share with the demo, each used by one page in a hundred, so a
# search finds a few generated pages, as it would on a real portal with many guides.
SHARED_RATE = 0.01
SHARED_EN = ["pump", "fever", "liver", "chemotherapy", "catheter", "infection", "surgery", "nausea",
             "bleeding", "artery", "tumor", "scan", "blood", "wound", "pain"]
SHARED_AR = ["المضخة", "الحمى", "الكبد", "العلاج الكيميائي", "القسطرة", "العدوى", "الجراحة",
             "الغثيان", "النزيف", "الشريان", "الورم", "الألم"]
REVIEWER = {"name": "Bench Reviewer",
            "role": text_entry({"role_en": "Clinician", "role_ar": "طبيب"}, "role", {"source": "Clinician"})}
ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def generate_procedures(number):
    """Publish `number` made-up procedures next to whatever is there."""
    rng = random.Random(8)
    english = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 10)))
               for _ in range(3000)]
    arabic = ["".join(rng.choice(ARABIC_LETTERS) for _ in range(rng.randint(3, 7)))
              for _ in range(3000)]

    def paragraph(words, shared, length):
        chosen = [rng.choice(words) for _ in range(length)]
        for word in shared:
            chosen.insert(rng.randrange(len(chosen)), word)
        return " ".join(chosen).capitalize() + "."

    def sprinkled(words, shared, paragraphs, length):
        """Paragraphs in which each shared word occurs on about SHARED_RATE of pages."""
        used = [[] for _ in range(paragraphs)]
        for word in shared:
            if rng.random() < SHARED_RATE:
                used[rng.randrange(paragraphs)].append(word)
        return [paragraph(words, chosen, length) for chosen in used]

    kinds = list(Section.Kind.values)
    for index in range(number):
        with transaction.atomic():
            procedure = Procedure.objects.create(
                slug=f"generated-{index:04d}",
                title_en=f"{paragraph(english, (), 3)[:-1]} {index}",
                title_ar=f"{paragraph(arabic, (), 3)[:-1]} {index}",
                summary_en=paragraph(english, (), 25),
                summary_ar=paragraph(arabic, (), 25),
            )
            texts_en = sprinkled(english, SHARED_EN, 16, 60)
            texts_ar = sprinkled(arabic, SHARED_AR, 16, 60)
            for position, kind in enumerate(rng.sample(kinds, 4)):
                Section.objects.create(
                    procedure=procedure, kind=kind,
                    body_en="\n\n".join(texts_en[position * 4:position * 4 + 4]),
                    body_ar="\n\n".join(texts_ar[position * 4:position * 4 + 4]),
                )
            revision = record_revision(procedure)
            procedure.refresh_from_db()
            publish_revision(procedure, revision, REVIEWER,
                             last_reviewed=datetime.date(2026, 1, 15),
                             next_review_due=datetime.date(2027, 1, 15))
