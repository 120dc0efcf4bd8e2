/* The admin's guard for typed work (templates/admin/session_notice.html gives it its settings
 * and translated texts as data attributes; no inline script, as the CSP requires).
 *
 * 1. A few minutes before an idle session ends, a notice (role="alert") says so and offers
 *    "Stay signed in", which POSTs to a small endpoint that marks the session as active.
 * 2. A form larger than the server reads (DATA_UPLOAD_MAX_MEMORY_SIZE) is not sent: a message
 *    names the largest fields, and the text stays in the inputs.
 */
(function () {
  "use strict";
  var notice = document.getElementById("portal-session");
  if (!notice) {
    return;
  }
  var data = notice.dataset;
  var text = notice.querySelector(".session-notice__text");
  var stay = notice.querySelector(".session-notice__stay");
  var idleMs = Number(data.idleSeconds) * 1000;
  var warnMs = Number(data.warnSeconds) * 1000;
  var maxBytes = Number(data.maxPostBytes);
  var warnTimer = null;
  var endTimer = null;
  var countdown = null;
  var lastActive = Date.now();

  function show(message, withButton) {
    text.textContent = message;
    stay.hidden = !withButton;
    notice.hidden = false;
  }

  function hide() {
    notice.hidden = true;
    text.textContent = "";
  }

  function minutesLeft() {
    return Math.max(1, Math.ceil((lastActive + idleMs - Date.now()) / 60000));
  }

  function warn() {
    show(data.textWarning.replace("{minutes}", minutesLeft()), true);
    countdown = window.setInterval(function () {
      text.textContent = data.textWarning.replace("{minutes}", minutesLeft());
    }, 30000);
  }

  function ended() {
    window.clearInterval(countdown);
    show(data.textEnded, false);
  }

  function restart() {
    lastActive = Date.now();
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    window.clearInterval(countdown);
    if (idleMs > 0) {
      warnTimer = window.setTimeout(warn, Math.max(0, idleMs - warnMs));
      endTimer = window.setTimeout(ended, idleMs);
    }
  }

  stay.textContent = data.textStay;
  stay.addEventListener("click", function () {
    var body = new URLSearchParams();
    body.set("csrfmiddlewaretoken", data.csrfToken);
    fetch(data.stayUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": data.csrfToken },
      body: body
    }).then(function (response) {
      if (response.status === 204) {
        restart();
        show(data.textStayed, false);
        window.setTimeout(function () {
          if (text.textContent === data.textStayed) {
            hide();
          }
        }, 5000);
      } else {
        ended();
      }
    }, ended);
  });

  /* The size the browser will send: url-encoded, as the admin's forms without files are. */
  function encodedSize(name, value) {
    return encodeURIComponent(name).length + encodeURIComponent(value).length + 2;
  }

  function fieldLabel(form, element) {
    var label = element.id && form.querySelector('label[for="' + element.id + '"]');
    var name = label ? label.textContent.replace(/:\s*$/, "").trim() : element.name;
    var part = element.closest(".inline-related");
    var heading = part && part.querySelector("h3 b, h3 .inline_label");
    var tab = element.closest(".ui-tabs-panel");
    var language = tab && document.querySelector('a[href="#' + tab.id + '"]');
    var where = [];
    if (heading) {
      where.push(heading.textContent.trim());
    }
    if (language) {
      where.push(language.textContent.trim());
    }
    return where.length ? name + " (" + where.join(", ") + ")" : name;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!maxBytes || (form.method || "").toLowerCase() !== "post") {
      return;
    }
    var total = 0;
    var sizes = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.disabled || element.type === "file") {
        return;
      }
      if ((element.type === "checkbox" || element.type === "radio") && !element.checked) {
        return;
      }
      var size = encodedSize(element.name, element.value || "");
      total += size;
      sizes.push({ element: element, size: size });
    });
    if (total <= maxBytes) {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    sizes.sort(function (a, b) { return b.size - a.size; });
    var named = sizes.slice(0, 3).filter(function (entry) {
      return entry.size > maxBytes / 10;
    }).map(function (entry) {
      return fieldLabel(form, entry.element);
    });
    var mb = function (bytes) { return (bytes / 1048576).toFixed(1); };
    show(data.textTooLarge.replace("{size}", mb(total)).replace("{limit}", mb(maxBytes))
      .replace("{fields}", named.join("; ")), false);
    notice.scrollIntoView({ block: "center" });
    if (sizes.length) {
      sizes[0].element.setAttribute("aria-invalid", "true");
    }
  }, true);

  restart();
}());
