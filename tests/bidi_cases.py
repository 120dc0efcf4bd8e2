# ruff: noqa: RUF001, RUF003  -- Eastern Arabic digits, en dashes and signs are what this table tests.
"""Mixed-direction text as Arabic patient-education pages write it: one table for the HTML, PDF and
browser tests. Each case is an Arabic sentence and the left-to-right token inside it that must
read in its own order (left to right, as in English) while the sentence around it reads right to
left. The comment says how the token came out on main before it was isolated as a whole."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class BidiCase:
    name: str
    sentence: str
    token: str

    @property
    def before(self):
        """The Arabic word just before the token, which must sit to the token's right."""
        return self.sentence[: self.sentence.index(self.token)].rstrip(" (").split()[-1]

    @property
    def after(self):
        """The Arabic word just after the token, which must sit to the token's left."""
        rest = self.sentence[self.sentence.index(self.token) + len(self.token):]
        return rest.lstrip(" )").split()[0].rstrip(".،")


CASES = [
    # Phone numbers: "+" and digit groups ("966 11 123 4567+").
    BidiCase("phone-international", "اتصل بالعيادة على +966 11 123 4567 في أي وقت.", "+966 11 123 4567"),
    BidiCase("phone-uk", "من خارج المملكة اتصل بالرقم +44 20 7946 0958 مباشرة.", "+44 20 7946 0958"),
    BidiCase("phone-hyphens", "أو اتصل بالرقم 011-123-4567 خلال الدوام.", "011-123-4567"),
    BidiCase("phone-eastern-digits", "اتصل على +٩٦٦ ١١ ١٢٣ ٤٥٦٧ في أي وقت.", "+٩٦٦ ١١ ١٢٣ ٤٥٦٧"),
    BidiCase("emergency-number", "في حالة الطوارئ اتصل بالرقم 997 فورًا.", "997"),
    # Negative numbers: "2 kg-".
    BidiCase("negative-weight", "قد ينقص وزنك -2 kg في الأسبوع الأول.", "-2 kg"),
    BidiCase("negative-temperature", "احفظ الدواء في المجمّد عند -20 °C دائمًا.", "-20 °C"),
    BidiCase("negative-percent", "قد ينخفض العدد بنحو -15% بعد الجرعة.", "-15%"),
    # Decimals, units and degrees: "C°38.5".
    BidiCase("fever", "إذا بلغت حرارتك 38.5°C أو أكثر فاتصل بنا.", "38.5°C"),
    BidiCase("degree-spaced", "حرارة الجسم الطبيعية نحو 37 °C تقريبًا.", "37 °C"),
    BidiCase("eastern-decimal", "إذا بلغت حرارتك ٣٨٫٥ درجة فاتصل بنا.", "٣٨٫٥"),
    # Ranges and ratios: "6–4", "mmHg 130/80".
    BidiCase("range-hyphen", "تناول 1-2 قرص بعد الأكل.", "1-2"),
    BidiCase("range-en-dash", "تبقى في المستشفى 4–6 أيام بعد الجراحة.", "4–6"),
    BidiCase("range-eastern", "تناول ١-٢ قرص يوميًا.", "١-٢"),
    BidiCase("blood-pressure", "يجب أن يكون ضغط الدم أقل من 130/80 mmHg قبل الجراحة.", "130/80 mmHg"),
    BidiCase("dilution", "خفّف الدواء بنسبة 1:10 بالماء.", "1:10"),
    # Doses with their units kept together: "mL 5".
    BidiCase("dose-ml", "اشرب 5 mL من الشراب مرتين يوميًا.", "5 mL"),
    BidiCase("dose-g", "لا تتجاوز 4 g من الباراسيتامول في اليوم.", "4 g"),
    BidiCase("dose-mg", "خذ قرصًا من 500 mg كل ست ساعات.", "500 mg"),
    BidiCase("dose-micrograms", "الجرعة 250 µg مرة واحدة في الشهر.", "250 µg"),
    BidiCase("lab-units", "إذا كان الهيموغلوبين أقل من 8 g/dL فقد تحتاج إلى نقل دم.", "8 g/dL"),
    # Drug and brand names: "(®Lantus)".
    BidiCase("brand-registered", "يُباع الإنسولين باسم (Lantus®) في الصيدليات.", "Lantus®"),
    BidiCase("brand-trademark", "استخدم جهاز FreeStyle Libre™ لقياس السكر.", "FreeStyle Libre™"),
    BidiCase("drug-abbreviation", "دواء الفلوكسوريدين (FUDR) يوضع في المضخة.", "FUDR"),
    BidiCase("drug-with-digit", "قد يُعطى 5-FU مع أدوية أخرى.", "5-FU"),
    BidiCase("english-name", "يُسمى العلاج Hepatic Artery Infusion في المراجع.", "Hepatic Artery Infusion"),
    # Lab names.
    BidiCase("lab-hba1c", "نريد أن تكون نسبة HbA1c 7% أو أقل.", "HbA1c 7%"),
    # Dates and times.
    BidiCase("date-iso", "موعدك القادم في 2026-03-15 صباحًا.", "2026-03-15"),
    BidiCase("date-slashes", "راجع العيادة قبل 15/03/2026 إن أمكن.", "15/03/2026"),
    BidiCase("time-24h", "لا تأكل بعد الساعة 22:00 ليلة الجراحة.", "22:00"),
    BidiCase("time-am", "تبدأ الجراحة عند 8:30 AM عادةً.", "8:30 AM"),
    # Addresses: "@" swapped the halves of an e-mail address; "?" put a query string in front.
    BidiCase("email", "راسلنا على care.team@clinic.example بأي سؤال.", "care.team@clinic.example"),
    BidiCase("url-query", "اقرأ المزيد في https://clinic.example/ar/faq?topic=pump&page=2 على موقعنا.",
             "https://clinic.example/ar/faq?topic=pump&page=2"),
    BidiCase("url-www", "زر www.clinic.example للتفاصيل.", "www.clinic.example"),
    BidiCase("doi", "انظر الدراسة 10.1200/JCO.2005.02.123 للتفاصيل.", "10.1200/JCO.2005.02.123"),
]


def arabic_markdown():
    """Every case as its own paragraph of one Arabic section body."""
    return "\n\n".join(case.sentence for case in CASES)
