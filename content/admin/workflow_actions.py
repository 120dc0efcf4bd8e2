"""The workflow's actions as staff meet them, each declared once: its name (in the address its
button posts to), its button's label, who may do it, when its page offers it, and what it
calls. The buttons on the change and history pages and the view that answers their POSTs all
read ACTIONS, so a button and the check made on its POST cannot disagree.

Who may do an action is a role check, made twice: to show the button, and again on the POST,
which a crafted request reaches without one. When a page offers the button (the page is a
draft, a revision is newer than the live one...) only decides what is shown: the workflow
function itself refuses, with a message, an action the page's state no longer allows.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from content.editing import revisions, roles
from content.editing.models import Procedure, Revision
from content.publishing import workflow as publishing
from content.publishing.workflow import WorkflowRefused

# Where an action's button is: the review box of the change page, or a row of the history.
CHANGE_PAGE, HISTORY_PAGE = "change", "history"


@dataclass(frozen=True)
class Situation:
    """What the page showing the buttons knows: the procedure, its newest revision, and the
    revision a button acts on (the newest on the change page, the row's on the history)."""

    procedure: Procedure
    latest: Revision | None
    revision: Revision | None

    @property
    def live(self):
        return self.procedure.live_version


@dataclass(frozen=True)
class Comment:
    """A comment posted with the action, and how its form asks for it."""

    label: Promise
    required: bool = False
    multiline: bool = False


@dataclass(frozen=True)
class WorkflowAction:
    name: str
    label: Promise  # "%(number)s" in it is the number of the revision the action acts on
    may: Callable  # (user) -> bool: the role check, for the button and on the POST
    offered: Callable  # (Situation) -> bool: whether the page shows the button
    run: Callable  # (request, procedure, **the URL's arguments) -> the message for the person
    page: str = CHANGE_PAGE
    level: int = messages.INFO  # of the message when it succeeds
    comment: Comment | None = None
    posts_revision: bool = False  # the form says which revision the person saw
    primary: bool = False
    confirm: bool = False  # the button opens a page asking to confirm (and for the comment)

    @property
    def comment_id(self):
        return f"{self.name.replace('_', '-')}-comment"


@dataclass(frozen=True)
class Button:
    action: WorkflowAction
    label: str
    revision: Revision | None


ACTIONS = {}


def declare(name, label, may, offered, **details):
    """Declare the decorated function as the action `name`; buttons come in declaration order."""

    def register(run):
        ACTIONS[name] = WorkflowAction(name, label, may, offered, run, **details)
        return run

    return register


def buttons(user, page, situation):
    """The buttons `page` shows this user, in the order the actions are declared."""
    number = situation.revision.number if situation.revision else None
    return [Button(action, action.label % {"number": number}, situation.revision)
            for action in ACTIONS.values()
            if action.page == page and action.may(user) and action.offered(situation)]


def may_do(user, name):
    return ACTIONS[name].may(user)


def permitted(name, user, page):
    """The action a POST to `page`'s address asks for, if the user's role may do it.

    Anything else is refused, as a crafted request for it would be: a name that is no action
    of that page with a bare 403, an action outside the user's role with a 403 saying so."""
    action = ACTIONS.get(name)
    if action is None or action.page != page:
        raise PermissionDenied
    if not action.may(user):
        raise PermissionDenied(gettext("Your role may not do this."))
    return action


def perform(action, request, procedure, **arguments):
    """Do `action`; returns the message for the person and its level, a refusal included."""
    try:
        return action.run(request, procedure, **arguments), action.level
    except WorkflowRefused as refused:
        return str(refused), messages.ERROR


def _has_revision(situation):
    return situation.latest is not None


# The change page's buttons, in the order they are shown.


@declare("submit", _("Send for review"), may=roles.can_edit_english,
        offered=lambda s: s.procedure.status == Procedure.Status.DRAFT and _has_revision(s))
def submit(request, procedure):
    publishing.submit_for_review(procedure, request.user)
    return gettext("Sent for review.")


@declare("publish", _("Publish revision %(number)s"), may=roles.can_publish,
        offered=lambda s: s.procedure.status == Procedure.Status.IN_REVIEW and _has_revision(s)
        and (s.live is None or s.live.revision_id != s.latest.pk),
        posts_revision=True, primary=True)
def publish(request, procedure):
    try:
        seen = int(request.POST.get("revision", ""))
    except ValueError:
        seen = None
    publication = publishing.publish(procedure, request.user, seen)
    # The PDFs are drawn by a background task once this commits (content.handouts.tasks).
    return gettext(
        "Published as version %(number)d: patients now read it. Its PDF handouts are being "
        "prepared; their state is shown below.") % {"number": publication.number}


@declare("check_translation", _("I checked the Arabic translation"),
        may=roles.can_check_translation, offered=_has_revision)
def check_translation(request, procedure):
    publishing.record_translation_check(procedure, request.user)
    return gettext("Recorded that you checked the Arabic translation. Patients see it once this "
                   "revision is published.")


@declare("send_back", _("Send back to the editor"), may=roles.can_publish,
        offered=lambda s: s.procedure.status == Procedure.Status.IN_REVIEW,
        comment=Comment(_("What needs to change"), required=True, multiline=True))
def send_back(request, procedure):
    publishing.send_back(procedure, request.user, request.POST.get("comment", ""))
    return gettext("Sent back to the editor with your comment.")


@declare("unpublish", _("Unpublish"), may=roles.can_publish, offered=lambda s: s.live is not None,
        comment=Comment(_("Why it is withdrawn (kept in the history)"), required=True, multiline=True),
        level=messages.WARNING, confirm=True)
def unpublish(request, procedure):
    publishing.unpublish(procedure, request.user, request.POST.get("comment", ""))
    return gettext("Unpublished: the page now tells visitors it was withdrawn.")


# The history's button, on each revision but the newest.


@declare("restore", _("Restore r%(number)s as a new draft"), may=roles.can_edit_english,
        offered=lambda s: s.revision is not None and s.revision != s.latest, page=HISTORY_PAGE)
def restore(request, procedure, number):
    revision = get_object_or_404(Revision, procedure=procedure, number=number)
    restored = revisions.restore(procedure, revision, request.user)
    if restored is None:
        return gettext("The working copy already holds that revision.")
    return gettext(
        "Revision %(old)d was copied into the working copy as revision %(new)d, a draft. "
        "Nothing before it was changed.") % {"old": revision.number, "new": restored.number}
