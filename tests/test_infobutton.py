"""Hand-off from the health record: codes on procedures, and the infobutton that finds leaflets by
them, as MedlinePlus Connect answers."""

import pytest
from django.core.exceptions import ValidationError

from content.editing import codes
from content.editing.revisions import latest_revision, record_revision
from content.models import ProcedureCode
from tests.builders import make_procedure

CPT, PCS, SNOMED, CM = (codes.CPT.oid, codes.ICD10PCS.oid, codes.SNOMED.oid, codes.ICD10CM.oid)


@pytest.mark.parametrize("system, code, valid", [
    ("cpt", "36260", True), ("cpt", "0001F", True), ("cpt", "3626", False), ("cpt", "362600", False),
    ("cpt", "ABCDE", False),
    ("icd10cm", "C78.7", True), ("icd10cm", "C22.1", True), ("icd10cm", "C787", True),
    ("icd10cm", "S72.001A", True), ("icd10cm", "c78.7", True), ("icd10cm", "C7", False),
    ("icd10cm", "178.7", False), ("icd10cm", "C78.12345", False), ("icd10cm", "C78.", False),
    ("icd10pcs", "3E05305", True), ("icd10pcs", "0FH003Z", True), ("icd10pcs", "3E0530", False),
    ("icd10pcs", "3E0I305", False), ("icd10pcs", "3E0O305", False),
    ("snomed", "22298006", True), ("snomed", "387713003", True), ("snomed", "22298007", False),
    ("snomed", "12345", False), ("snomed", "1234567890123456789", False), ("snomed", "2229800A", False),
])
def test_codes_are_checked_for_their_systems_format(system, code, valid):
    assert codes.SYSTEMS[system].is_valid(code) is valid


@pytest.mark.django_db
def test_a_code_in_the_wrong_format_is_refused_when_saved():
    procedure = make_procedure()
    with pytest.raises(ValidationError) as refused:
        ProcedureCode(procedure=procedure, system="snomed", code="22298007").full_clean()
    assert "code" in refused.value.message_dict
    good = ProcedureCode(procedure=procedure, system="icd10cm", code=" c78.7 ")
    good.full_clean()
    assert good.code == "C78.7"


@pytest.mark.django_db
def test_codes_are_in_every_revision_and_reviewed_like_text():
    procedure = make_procedure()
    record_revision(procedure)
    ProcedureCode.objects.create(procedure=procedure, system="cpt", code="36260")
    revision = record_revision(procedure)
    assert revision is not None, "adding a code is a change to review"
    assert latest_revision(procedure).content["codes"] == [{"system": "cpt", "code": "36260"}]


def test_systems_are_found_by_oid_as_ehrs_send_them():
    assert codes.system_for(CM) is codes.ICD10CM
    assert codes.system_for(f"urn:oid:{CPT}") is codes.CPT
    assert codes.system_for("1.2.3") is None
