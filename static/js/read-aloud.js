// Read the page aloud with the browser's own speech synthesis, in the page's language (and any
// English part of an Arabic page in English). Nothing leaves the device. The button stays hidden
// where the browser cannot speak. The page is read a block at a time (a heading, a paragraph, a
// list item), each marked while it is read, because some voices stop on long texts.
(function () {
  "use strict";
  var button = document.querySelector("[data-read-aloud]");
  if (!button || !("speechSynthesis" in window) || typeof SpeechSynthesisUtterance === "undefined") {
    return;
  }
  var synth = window.speechSynthesis;
  var article = document.querySelector(button.getAttribute("data-read-aloud"));
  var noVoiceNote = document.querySelector("[data-read-aloud-no-voice]");
  var pageLanguage = document.documentElement.lang;
  var reading = false;
  var current = null;
  // Not read: the contents list, the share and print section, the references, citation marks,
  // glossary definitions shown in place, and anything hidden.
  var SKIP = "nav, .share, #references, .citations, sup, [popover], [hidden], .visually-hidden, .read-aloud, script";
  var BLOCKS = "h1, h2, h3, h4, p, li, dt, dd, td, th, figcaption";

  function voiceFor(language) {
    var voices = synth.getVoices();
    var exact = voices.filter(function (voice) { return voice.lang.toLowerCase().indexOf(language) === 0; });
    return exact.length ? exact[0] : null;
  }

  function noteMissingVoice() {
    // Voices load late on some browsers; an empty list says nothing yet.
    noVoiceNote.hidden = !(synth.getVoices().length && !voiceFor(pageLanguage));
  }

  function textOf(element) {
    var copy = element.cloneNode(true);
    copy.querySelectorAll(SKIP).forEach(function (part) { part.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function blocks() {
    return Array.prototype.filter.call(article.querySelectorAll(BLOCKS), function (element) {
      // A block inside another block is read with it; a skipped part is not read at all.
      return !element.closest(SKIP) && !element.parentElement.closest(BLOCKS) && textOf(element);
    });
  }

  function mark(element) {
    if (current) {
      current.classList.remove("is-being-read");
    }
    current = element;
    if (element) {
      element.classList.add("is-being-read");
    }
  }

  function stop() {
    reading = false;
    synth.cancel();
    mark(null);
    button.classList.remove("is-reading");
    button.textContent = button.getAttribute("data-start");
  }

  function start() {
    var queue = blocks();
    if (!queue.length) {
      return;
    }
    reading = true;
    button.classList.add("is-reading");
    button.textContent = button.getAttribute("data-stop");
    synth.cancel();
    queue.forEach(function (element, index) {
      var utterance = new SpeechSynthesisUtterance(textOf(element));
      var language = (element.closest("[lang]") || document.documentElement).lang;
      utterance.lang = language;
      var voice = voiceFor(language);
      if (voice) {
        utterance.voice = voice;
      }
      utterance.onstart = function () { mark(element); };
      if (index === queue.length - 1) {
        utterance.onend = function () { if (reading) { stop(); } };
      }
      synth.speak(utterance);
    });
  }

  button.hidden = false;
  noteMissingVoice();
  if ("onvoiceschanged" in synth) {
    synth.addEventListener("voiceschanged", noteMissingVoice);
  }
  button.addEventListener("click", function () {
    if (reading) {
      stop();
    } else {
      start();
    }
  });
  // Leaving the page stops the voice, which would otherwise go on reading a page not on screen.
  window.addEventListener("pagehide", stop);
})();
