// Offline reading, the page's side (the worker is static/js/service-worker.js):
// - registers the worker; the first page a reader opens is saved at once with its styles and
//   fonts (the worker was not yet looking after it), so it opens again without a connection;
// - a saved copy shown offline says so: when it was saved and that it may be out of date;
// - "Save for offline" buttons keep a handout (and its PDF) on the device;
// - the offline page lists the pages saved on this device.
// Without a service worker (an old browser, a private window) nothing here shows.
(function () {
  "use strict";
  var root = document.documentElement;
  var language = root.lang;

  function formatDate(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) {
      return "";
    }
    try {
      return new Intl.DateTimeFormat(language, { dateStyle: "long", timeStyle: "short" }).format(date);
    } catch (error) {
      return date.toLocaleString();
    }
  }

  function showSavedCopyNotice() {
    var notice = document.getElementById("saved-copy");
    if (!notice || !notice.getAttribute("data-saved-at")) {
      return;
    }
    var savedAt = notice.getAttribute("data-saved-at");
    var time = notice.querySelector("time");
    if (time) {
      time.setAttribute("datetime", savedAt);
      time.textContent = formatDate(savedAt);
    }
    notice.hidden = false;
  }

  showSavedCopyNotice();
  if (!("serviceWorker" in navigator) || !window.caches) {
    return;
  }

  function ask(worker, message) {
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) { resolve(event.data || {}); };
      worker.postMessage(message, [channel.port2]);
    });
  }

  function sameOriginResources() {
    return performance.getEntriesByType("resource").map(function (entry) { return entry.name; })
      .filter(function (url) { return new URL(url).origin === location.origin; });
  }

  function pageUrl() {
    var url = new URL(location.href);
    url.hash = "";
    return url.href;
  }

  var script = document.querySelector("script[data-service-worker]");
  var wasLookedAfter = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.register(script.getAttribute("data-service-worker"), { scope: "/" })
    .then(function () { return navigator.serviceWorker.ready; })
    .then(function (registration) {
      var worker = registration.active;
      var work;
      if (!wasLookedAfter) {
        work = ask(worker, {
          type: "save",
          pages: [pageUrl()],
          optional: [new URL(script.getAttribute("data-offline-page"), location.href).href],
          assets: sameOriginResources(),
          cache: "force-cache"
        });
      } else if (navigator.onLine) {
        work = ask(worker, { type: "refresh" });
      } else {
        work = Promise.resolve({});
      }
      return work.then(function () {
        // Tests and the curious can tell the page is kept on this device.
        root.setAttribute("data-offline", "ready");
      });
    })
    .catch(function () {
      root.setAttribute("data-offline", "unavailable");
    });

  // "Save for offline": the handout's addresses are on the button.
  document.querySelectorAll("[data-save-offline]").forEach(function (button) {
    var status = document.getElementById(button.getAttribute("data-status"));
    button.hidden = false;
    button.addEventListener("click", function () {
      var addresses = function (name) {
        return (button.getAttribute(name) || "").split(" ").filter(Boolean).map(function (path) {
          return new URL(path, location.href).href;
        });
      };
      status.textContent = button.getAttribute("data-saving");
      navigator.serviceWorker.ready
        .then(function (registration) {
          return ask(registration.active, {
            type: "save",
            pages: addresses("data-save-offline"),
            optional: addresses("data-save-offline-optional"),
            assets: sameOriginResources()
          });
        })
        .then(function (answer) {
          status.textContent = button.getAttribute(answer.saved ? "data-done" : "data-failed");
        });
    });
  });

  // The offline page: what this device has kept, newest first.
  var list = document.getElementById("saved-pages");
  if (list) {
    // Just after a release the page may still be looked after by the previous worker, which
    // does not answer "list": the new one takes over at once (skipWaiting), so ask it then.
    var listSaved = function () {
      return navigator.serviceWorker.ready.then(function (registration) {
        return ask(registration.active, { type: "list" });
      }).then(function (answer) {
        if (answer.pages) {
          return answer;
        }
        return new Promise(function (resolve) {
          navigator.serviceWorker.addEventListener("controllerchange", function () {
            resolve(listSaved());
          }, { once: true });
        });
      });
    };
    listSaved().then(function (answer) {
      var pages = answer.pages;
      var offlinePaths = list.getAttribute("data-offline-paths").split(" ");
      pages = pages.filter(function (page) {
        return offlinePaths.indexOf(new URL(page.url).pathname) === -1;
      }).sort(function (a, b) { return a.savedAt < b.savedAt ? 1 : -1; });
      pages.forEach(function (page) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = page.url;
        link.textContent = page.title || new URL(page.url).pathname;
        item.appendChild(link);
        if (page.savedAt) {
          var time = document.createElement("time");
          time.setAttribute("datetime", page.savedAt);
          time.textContent = formatDate(page.savedAt);
          item.appendChild(document.createTextNode(" · "));
          item.appendChild(time);
        }
        list.appendChild(item);
      });
      var empty = document.getElementById("saved-pages-empty");
      if (empty) {
        empty.hidden = pages.length > 0;
      }
      list.hidden = pages.length === 0;
    });
  }
})();
