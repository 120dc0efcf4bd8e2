"""The code systems a procedure is coded in, so a health record can ask for its leaflet.

An EHR's "infobutton" names a code system by its HL7 OID and a code in it (content.handoff answers
such requests). Each system's code has a known shape; a code that does not have it is refused
when saved, so a typo never silently makes a leaflet unfindable.
"""

import re

from django.utils.translation import gettext_lazy as _


class System:
    """A code system: our short key, its HL7 OID, what it codes, and the shape of its codes."""

    def __init__(self, key, oid, label, codes_what, pattern, hint, check=None):
        self.key, self.oid, self.label, self.codes_what = key, oid, label, codes_what
        self.pattern, self.hint, self.check = re.compile(pattern), hint, check

    def normalise(self, code):
        return (code or "").strip().upper()

    def is_valid(self, code):
        code = self.normalise(code)
        return bool(self.pattern.fullmatch(code)) and (self.check is None or self.check(code))

    def uri(self):
        return f"urn:oid:{self.oid}"


# Verhoeff's dihedral-group tables: SNOMED CT's identifiers end in a Verhoeff check digit.
_D = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
      [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
      [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
      [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
_P = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
      [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
      [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]


def verhoeff_valid(digits):
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _D[check][_P[position % 8][int(digit)]]
    return check == 0


CPT = System("cpt", "2.16.840.1.113883.6.12", "CPT", "procedure", r"\d{5}|\d{4}[A-Z]",
             _("CPT codes are 5 digits, or 4 digits and a letter (e.g. 36260)."))
ICD10PCS = System("icd10pcs", "2.16.840.1.113883.6.4", "ICD-10-PCS", "procedure",
                  r"[0-9A-HJ-NP-Z]{7}",
                  _("ICD-10-PCS codes are 7 letters or digits, never I or O (e.g. 3E05305)."))
SNOMED = System("snomed", "2.16.840.1.113883.6.96", "SNOMED CT", "procedure", r"\d{6,18}",
                _("SNOMED CT identifiers are 6 to 18 digits ending in a Verhoeff check digit."),
                check=verhoeff_valid)
ICD10CM = System("icd10cm", "2.16.840.1.113883.6.90", "ICD-10-CM", "condition",
                 r"[A-Z]\d[0-9A-Z](\.?[0-9A-Z]{1,4})?",
                 _("ICD-10-CM codes are a letter, a digit, a letter or digit, then optionally a "
                   "dot and up to 4 letters or digits (e.g. C78.7)."))

SYSTEMS = {system.key: system for system in (CPT, ICD10PCS, SNOMED, ICD10CM)}
BY_OID = {system.oid: system for system in SYSTEMS.values()}
# The canonical URIs FHIR clients name the same systems by (HL7's terminology registry).
BY_FHIR_URI = {"http://www.ama-assn.org/go/cpt": CPT, "http://www.cms.gov/Medicare/Coding/ICD10": ICD10PCS,
               "http://snomed.info/sct": SNOMED, "http://hl7.org/fhir/sid/icd-10-cm": ICD10CM}


def system_for(name):
    """The system an EHR names: by OID (with or without "urn:oid:"), by its FHIR URI, or by our
    key; else None."""
    name = (name or "").strip()
    if name.rstrip("/") in BY_FHIR_URI:
        return BY_FHIR_URI[name.rstrip("/")]
    name = name.removeprefix("urn:oid:")
    return BY_OID.get(name) or SYSTEMS.get(name.lower())


def search_forms(code):
    """The forms a code is stored and compared in: upper case, and ICD-10-CM with or without its
    dot (EHRs send both "C78.7" and "C787")."""
    code = (code or "").strip().upper()
    return {code, code.replace(".", "")}
