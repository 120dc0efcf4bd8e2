/* Writing help beside each patient text in the admin (content/admin/writing_help.py).
 *
 * The panel after a text field is drawn with the page; this keeps it current while the person
 * types: a moment after they pause, the text is posted (with the form's CSRF token) to the
 * panel's endpoint, which answers with the new panel. An answer to an older request is ignored.
 * Without JavaScript, or if a request fails, the panel shows the figures of the page as loaded.
 */
(function () {
  "use strict";

  var PAUSE_MS = 600;
  var pending = new WeakMap();
  var sent = new WeakMap();

  function panelFor(field) {
    var panel = field.id ? document.getElementById(field.id + "-writing-help") : null;
    if (panel) { return panel; }
    var next = field.nextElementSibling;
    return next && next.classList.contains("writing-help") ? next : null;
  }

  function csrfToken(field) {
    var form = field.form || document;
    var input = form.querySelector("input[name=csrfmiddlewaretoken]") ||
      document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function refresh(field, panel) {
    var number = (sent.get(panel) || 0) + 1;
    sent.set(panel, number);
    var body = new URLSearchParams();
    body.set("text", field.value);
    body.set("language", panel.getAttribute("data-language"));
    body.set("measure", panel.getAttribute("data-measure") || "1");
    body.set("csrfmiddlewaretoken", csrfToken(field));
    panel.setAttribute("aria-busy", "true");
    fetch(panel.getAttribute("data-writing-help"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(field), "Accept": "application/json"},
      body: body
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (answer) {
      if (sent.get(panel) !== number) { return; }
      panel.innerHTML = answer.html;
      panel.classList.remove("writing-help--stale");
      panel.removeAttribute("aria-busy");
    }).catch(function () {
      if (sent.get(panel) !== number) { return; }
      panel.classList.add("writing-help--stale");
      panel.removeAttribute("aria-busy");
    });
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!(field instanceof HTMLTextAreaElement || field instanceof HTMLInputElement)) { return; }
    var panel = panelFor(field);
    if (!panel) { return; }
    clearTimeout(pending.get(panel));
    pending.set(panel, setTimeout(function () { refresh(field, panel); }, PAUSE_MS));
  });
}());
