"""Every model of the app, gathered where Django looks for them; each is defined in its room."""

from content.editing.models import (  # noqa: F401
    Citation,
    Clinic,
    ClinicRevision,
    GlossaryTerm,
    KeptSave,
    Procedure,
    ProcedureCode,
    Question,
    Revision,
    Section,
    StaffProfile,
    UnicodeJSONEncoder,
    WorkflowEvent,
    reject_raw_html,
)
from content.editing.pictures import Picture, PictureFile, PictureRendition  # noqa: F401
from content.handouts.models import HandoutFile, HandoutProblem  # noqa: F401
from content.publishing.models import (  # noqa: F401
    GlossaryPublication,
    ProcedureAddress,
    Publication,
    PublicContent,
)
from content.search.models import SearchCode, SearchEntry, SearchKey, SearchVariant  # noqa: F401
