/* The language tab a change form opens on: the language this person writes, which the page
   names in <meta name="portal-tab-language"> (content/admin/language.py decides: translators
   land on the translation, editors and reviewers on the source), not the admin's own language.

   django-modeltranslation's tabbed_translation_fields.js builds the tabs when the page is ready
   and asks the global getActiveTabIndex(fields by language) which tab to open; this replaces it
   (loaded after it). A field with an error still opens on the tab with the error, as before. */
(function () {
  "use strict";

  function wantedLanguage() {
    var meta = document.querySelector('meta[name="portal-tab-language"]');
    return meta ? (meta.getAttribute("content") || "").replace(/-/g, "_") : "";
  }

  window.getActiveTabIndex = function (fieldsByLanguage) {
    var index = Object.keys(fieldsByLanguage).indexOf(wantedLanguage());
    return index === -1 ? 0 : index;
  };

  // The "all tabs" language menu beside the title shows the language the tabs opened on. It is
  // made by modeltranslation's ready handler, which jQuery runs before this one (registered later).
  function showOpenedLanguage() {
    var menu = document.getElementById("modeltranslation-main-switch");
    var wanted = wantedLanguage().replace(/_/g, "-");
    if (!menu || !wanted) {
      return;
    }
    Array.prototype.forEach.call(menu.options, function (option) {
      if (option.textContent === wanted) {
        menu.value = option.value;
      }
    });
  }

  var jQuery = window.jQuery || (window.django && window.django.jQuery);
  if (jQuery) {
    jQuery(showOpenedLanguage);
  }
}());
