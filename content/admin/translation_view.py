"""The translation view: one admin page per procedure for a translator.

Every translated text of the procedure and of its translated parts (sections, questions, any
other TranslatedContent row that belongs to it), field by field as content.editing.freshness
tracks them, English and Arabic side by side: out-of-date texts first, then missing ones, then
current ones. An out-of-date text shows the English change since its Arabic was written or
confirmed, word by word.

Each text has a form of its own: save its Arabic, or say it "still matches" the changed English.
A save is not applied here: it is turned into the post the procedure's change form would send
(every field the user may change, as it is now, with this one text changed or confirmed) and
given to the change form's own view. So the same checks refuse what the role may not change, a
revision is recorded by the translator's account, a save on a page opened before someone else's
is merged field by field or refused on a conflict, and a save sent after the session ended is
kept for its sender and offered back on the change form (content.admin.base.KeepsTypedWork).
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.forms import CheckboxInput
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext

from content import languages
from content.admin import translation_links as links
from content.admin.base import (
    KEPT_SAVE_FIELD,
    KeepsTypedWork,
    kept_save_token,
    read_kept_save_token,
)
from content.admin.display import more_changes_html
from content.editing import freshness, roles
from content.editing.models import KeptSave, Procedure, Question, Section, TranslatedContent

# The order the page lists texts in: what needs a translator's eyes first.
ORDER = (freshness.OUTDATED, freshness.MISSING, freshness.CURRENT)
SHOWN = {links.OUTDATED: (freshness.OUTDATED,), links.MISSING: (freshness.MISSING,), links.ALL: ORDER}
ACTION_SAVE, ACTION_CONFIRM = "save", "confirm"


@dataclass
class TranslatedText:
    """One translated field of one row, as the page shows it."""

    row: TranslatedContent
    field: str
    part_label: str
    state: str

    @property
    def part(self):
        return row_key(self.row)

    @property
    def key(self):
        """The row and field, as the page's anchors and forms name them ("section-12-body")."""
        return f"{row_key(self.row)}-{self.field}"

    @property
    def label(self):
        return capfirst(self.row._meta.get_field(self.field).verbose_name)

    @property
    def english(self):
        return self.row.english(self.field)

    @property
    def arabic(self):
        return self.row.arabic(self.field)

    @property
    def arabic_column(self):
        return languages.field_name(self.field, languages.TRANSLATION)

    @property
    def rows(self):
        """The Arabic box's height: about what the longer of the two texts takes, within bounds."""
        texts = (self.english, self.arabic)
        lines = max(text.count("\n") for text in texts) + max(len(text) for text in texts) // 70
        return max(2, min(30, lines + 1))

    def changes(self):
        """The English change since the Arabic was written or confirmed, paragraph by paragraph."""
        if self.state != freshness.OUTDATED:
            return None
        record = self.row.translation.get(self.field) or {}
        return freshness.changed_paragraphs(record.get("source", ""), self.english)


def row_key(row):
    return f"{row._meta.model_name}-{row.pk}"


def _part_label(row, index):
    if isinstance(row, Procedure):
        return gettext("The page")
    if isinstance(row, Section):
        return gettext("Section “%(kind)s”") % {"kind": row.get_kind_display()}
    if isinstance(row, Question):
        return gettext("Question %(number)d") % {"number": index + 1}
    return f"{capfirst(row._meta.verbose_name)} {index + 1}"


def translated_rows(procedure):
    """The procedure and every translated row that belongs to it, in page order."""
    rows = [(procedure, _part_label(procedure, 0))]
    for relation in Procedure._meta.related_objects:
        model = relation.related_model
        if relation.one_to_many and issubclass(model, TranslatedContent):
            children = getattr(procedure, relation.get_accessor_name()).all()
            rows += [(row, _part_label(row, index)) for index, row in enumerate(children)]
    return rows


def translated_texts(procedure):
    """Every translated field with English to translate, in page order."""
    texts = []
    for row, part_label in translated_rows(procedure):
        for name, state in row.field_states().items():
            if state != freshness.NOT_APPLICABLE:
                texts.append(TranslatedText(row, name, part_label, state))
    return texts


def ordered(texts, show=links.ALL):
    """Out of date first, then missing, then current; page order within each; only those `show`
    asks for."""
    wanted = SHOWN[show]
    return sorted((text for text in texts if text.state in wanted), key=lambda t: ORDER.index(t.state))


def _put_form(data, form):
    """What a browser posts for `form` as it stands: every field it may send (disabled ones are
    not sent), with its current value."""
    for bound in form:
        if bound.field.disabled:
            continue
        value, widget = bound.value(), bound.field.widget
        if isinstance(widget, CheckboxInput):
            if widget.check_test(value):
                data[bound.html_name] = "on"
            continue
        shown = widget.format_value(value)
        if isinstance(shown, (list, tuple)):
            data.setlist(bound.html_name, [str(item) for item in shown])
        else:
            data[bound.html_name] = "" if shown is None else str(shown)


class TranslationPages:
    """ProcedureAdmin's translation view (mixed in before the ModelAdmin)."""

    translation_template = "admin/content/procedure/translation.html"

    def get_urls(self):
        view = self._keeps_expired_translation_saves(self.admin_site.admin_view(self.translation_view))
        own = [path("<int:object_id>/translation/", view, name="content_procedure_translation")]
        return own + super().get_urls()

    # The page

    def translation_view(self, request, object_id):
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        procedure = get_object_or_404(Procedure, pk=object_id)
        if not self.has_view_or_change_permission(request, procedure):
            raise PermissionDenied
        if request.method == "POST":
            return self._save_translation(request, procedure)
        return self._translation_page(request, procedure)

    def _show(self, request):
        show = request.GET.get(links.SHOW, links.ALL)
        return show if show in links.FILTERS else links.ALL

    def _translation_page(self, request, procedure, typed=None, errors=(), status=200):
        """The page; after a refused save, `typed` is {text key: what was typed}, kept in its box."""
        typed = typed or {}
        show = self._show(request)
        texts = translated_texts(procedure)
        shown = ordered(texts, show)
        # A text whose save was refused stays on the page with what was typed, whatever the filter.
        shown += [text for text in ordered(texts) if text.key in typed and text not in shown]
        counts = freshness.count_states(text.state for text in texts)
        user = request.user
        may_edit = roles.can_edit_arabic(user) and self.has_change_permission(request, procedure)
        filters = [
            (links.OUTDATED, gettext("Out of date"), counts.outdated),
            (links.MISSING, gettext("Not translated"), counts.missing),
            (links.ALL, gettext("All"), counts.outdated + counts.missing + counts.current),
        ]
        kept = (KeptSave.current().filter(user=user, model=self.opts.label_lower,
                                          object_id=str(procedure.pk)).exists()
                if user.is_authenticated else False)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Translation: %(title)s") % {"title": procedure},
            "opts": self.model._meta,
            "object": procedure,
            "texts": [(text, changes, more_changes_html(changes.hidden) if changes else "",
                       typed.get(text.key)) for text, changes in ((t, t.changes()) for t in shown)],
            "counts": counts,
            "show": show,
            "filters": [(value, label, count, links.translation_url(procedure.pk, value),
                         value == show) for value, label, count in filters],
            "may_edit": may_edit,
            "role_note": "" if may_edit else gettext(
                "You can read the translations here; only translators change the Arabic."),
            "errors": errors,
            "kept_save": kept,
            "loaded_version": procedure.revision,
            "kept_save_field": KEPT_SAVE_FIELD,
            "kept_save_token": kept_save_token(user, Procedure, procedure.pk, procedure.revision),
            "source": {"name": languages.name(languages.SOURCE), "code": languages.SOURCE,
                       "dir": languages.direction(languages.SOURCE)},
            "target": {"name": languages.name(languages.TRANSLATION), "code": languages.TRANSLATION,
                       "dir": languages.direction(languages.TRANSLATION)},
            "states": {freshness.OUTDATED: gettext("May be out of date"),
                       freshness.MISSING: gettext("Not translated"),
                       freshness.CURRENT: gettext("Up to date")},
            "action_save": ACTION_SAVE,
            "action_confirm": ACTION_CONFIRM,
        }
        return TemplateResponse(request, self.translation_template, context, status=status)

    # Saving one text

    def _posted_text(self, request, procedure):
        """(the row, its field, the posted column) a post names, or None."""
        rows = {row_key(row): row for row, _label in translated_rows(procedure)}
        row = rows.get(request.POST.get("part", ""))
        if row is None:
            return None
        column = request.POST.get("field", "")
        for name in row.translated_text_fields:
            if column in languages.field_names(name):
                return row, name, column
        return None

    def _save_translation(self, request, procedure):
        found = self._posted_text(request, procedure)
        text = request.POST.get("text")
        if found is None:
            message = gettext("This text is no longer on the page (it may have been removed since "
                              "you opened it), so nothing was saved.")
            if text:
                message += " " + gettext("What you typed: “%(text)s”") % {"text": text}
            return self._translation_page(request, procedure, errors=[message], status=409)
        row, name, column = found
        key = f"{row_key(row)}-{name}"
        data, prefixes = self._change_form_data(request, procedure)
        prefix = prefixes[row_key(row)]
        if text is not None:
            data[prefix + column] = text
        if request.POST.get("action") == ACTION_CONFIRM:
            if row.field_state(name) == freshness.OUTDATED:
                data.appendlist(prefix + "confirm_arabic", name)
            elif text is None or freshness.normalise(text) == freshness.normalise(row.arabic(name)):
                messages.info(request, gettext(
                    "This Arabic is already up to date: someone updated or confirmed it after you "
                    "opened the page."))
                return self._back_to_page(request, procedure, key)
        data["loaded_version"] = request.POST.get("loaded_version", "")
        response = self._save_as_change_form(request, procedure, data)
        if response.status_code == 302:
            return self._back_to_page(request, procedure, key)
        errors = _errors_of(response)
        return self._translation_page(request, procedure, typed={key: text if text is not None
                                                                 else row.arabic(name)},
                                      errors=errors, status=response.status_code)

    def _back_to_page(self, request, procedure, key):
        return HttpResponseRedirect(f"{links.translation_url(procedure.pk, self._show(request))}#{key}")

    def _change_form_data(self, request, procedure):
        """The post the change form would send for `request.user` now: (data, {row key: the
        prefix of its fields' names})."""
        data = QueryDict(mutable=True)
        form = self.get_form(request, procedure, change=True)(instance=procedure)
        _put_form(data, form)
        prefixes, counts = {row_key(procedure): ""}, {}
        # Named as the change form names its formsets (ModelAdmin._create_formsets).
        for formset_class, inline in self.get_formsets_with_inlines(request, procedure):
            prefix = formset_class.get_default_prefix()
            counts[prefix] = counts.get(prefix, 0) + 1
            if counts[prefix] != 1 or not prefix:
                prefix = f"{prefix}-{counts[prefix]}"
            formset = formset_class(instance=procedure, prefix=prefix,
                                    queryset=inline.get_queryset(request))
            _put_form(data, formset.management_form)
            for part_form in formset.forms:
                _put_form(data, part_form)
                if part_form.instance.pk:
                    prefixes[row_key(part_form.instance)] = f"{part_form.prefix}-"
        return data, prefixes

    def _save_as_change_form(self, request, procedure, data):
        """Hand `data` to the change form's view, as if its page had posted it."""
        token = request.POST.get("csrfmiddlewaretoken")
        if token:
            data["csrfmiddlewaretoken"] = token
        request.POST = data
        # ModelAdmin's view, past KeepsTypedWork's: a kept save belongs to the change form, where
        # it is shown; a save made here neither shows it nor may discard it.
        return super(KeepsTypedWork, self).changeform_view(request, str(procedure.pk))

    # A save sent after the session ended

    def _keeps_expired_translation_saves(self, view):
        @wraps(view)
        def keeping(request, object_id):
            if (request.method == "POST" and not self.admin_site.has_permission(request)
                    and self._keep_expired_translation(request, object_id)):
                messages.warning(request, gettext(
                    "Your session had ended, so nothing was saved yet, but your text has been kept "
                    "for you. Sign in again and open the page: it will be there to check and save."))
                change_url = reverse("admin:content_procedure_change", args=[object_id])
                return redirect_to_login(change_url, reverse("admin:login"))
            return view(request, object_id=object_id)
        return keeping

    def _keep_expired_translation(self, request, object_id):
        """Keep the save as the change form's post, for the account that opened the page: the
        change form offers it back after signing in."""
        claims = read_kept_save_token(request.POST.get(KEPT_SAVE_FIELD, ""))
        if (not claims or claims.get("model") != self.opts.label_lower
                or claims.get("object") != str(object_id)):
            return False
        user = get_user_model().objects.filter(pk=claims.get("user"), is_active=True, is_staff=True).first()
        procedure = Procedure.objects.filter(pk=object_id).first()
        if user is None or procedure is None:
            return False
        anonymous, request.user = request.user, user
        try:
            found = self._posted_text(request, procedure)
            if found is None or "text" not in request.POST:
                return False
            row, _name, column = found
            data, prefixes = self._change_form_data(request, procedure)
            data[prefixes[row_key(row)] + column] = request.POST["text"]
            data["loaded_version"] = request.POST.get("loaded_version", "")
            data[KEPT_SAVE_FIELD] = request.POST[KEPT_SAVE_FIELD]
            posted, request.POST = request.POST, data
            try:
                return self._keep_expired_save(request, object_id)
            finally:
                request.POST = posted
        finally:
            request.user = anonymous


def _errors_of(response):
    """The messages of a change form that refused a save, each once."""
    context = getattr(response, "context_data", None) or {}
    found = []
    for error_list in context.get("errors") or []:
        for message in error_list:
            if message not in found:
                found.append(message)
    return found or [gettext("Nothing was saved. Reload the page and try again.")]
