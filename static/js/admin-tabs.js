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

  // A language's name in that language, as the language switches name it (the page's
  // <meta name="portal-language-name-ar">): modeltranslation labels tabs and menu with the bare
  // code ("ar"), which a translator working in Arabic should not have to decode.
  function ownName(code) {
    var meta = document.querySelector('meta[name="portal-language-name-' + code + '"]');
    return (meta && meta.getAttribute("content")) || code;
  }

  function nameInItsLanguage(element, code) {
    element.textContent = ownName(code);
    element.setAttribute("lang", code);
    element.setAttribute("dir", "auto");
    element.setAttribute("data-language", code);
  }

  var CODE = /^[a-z]{2,3}(-[A-Za-z0-9]+)?$/;

  // The tabs and the "all tabs" menu beside the title are made by modeltranslation's ready
  // handler, which jQuery runs before this one (registered later). The menu shows the language
  // the tabs opened on.
  function nameLanguagesAndShowOpened() {
    document.querySelectorAll(".ui-tabs-nav a").forEach(function (tab) {
      var code = tab.textContent.trim();
      if (CODE.test(code)) {
        nameInItsLanguage(tab, code);
      }
    });
    var menu = document.getElementById("modeltranslation-main-switch");
    if (!menu) {
      return;
    }
    var wanted = wantedLanguage().replace(/_/g, "-");
    Array.prototype.forEach.call(menu.options, function (option) {
      var code = option.textContent.trim();
      if (!CODE.test(code)) {
        return;
      }
      nameInItsLanguage(option, code);
      if (code === wanted) {
        menu.value = option.value;
      }
    });
  }

  var jQuery = window.jQuery || (window.django && window.django.jQuery);
  if (jQuery) {
    jQuery(nameLanguagesAndShowOpened);
  }
}());
