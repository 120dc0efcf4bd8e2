// Progressive enhancement for the share section: the link is visible and selectable without
// JavaScript; with it, a button copies the link and says so to screen readers too.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById(button.getAttribute("data-status"));
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () { status.textContent = button.getAttribute("data-done"); },
        function () { field.select(); status.textContent = button.getAttribute("data-failed"); }
      );
    });
  });
})();
