// The portal's service worker: a page a patient opened stays readable without a connection.
//
// Pages: network first. A page that answers is shown and its copy on this device replaced, so a
// reader who is online always reads the current version; a page that has gone (404, 410) has its
// copy dropped. With no connection (or a server error) the saved copy is shown, marked as one:
// the page's hidden saved-copy notice gets the date it was saved, which offline.js shows.
// Static files (styles, fonts, scripts): the copy on this device at once, refreshed behind it.
//
// content/site/offline.py serves this file at /service-worker.js (so it may look after every
// page) with PORTAL_OFFLINE set above it: the language prefixes, the offline page of each
// language and the static files' prefix.
"use strict";

var CONFIG = self.PORTAL_OFFLINE;
// Names without a release in them: a saved page must outlive a deployment, and the styles and
// fonts it names (hashed names in production) must stay with it.
var PAGES = "portal-pages";
var ASSETS = "portal-assets";
var SAVED_AT = "X-Portal-Saved-At";
var SAVED_TITLE = "X-Portal-Saved-Title";
// A phone's storage is not ours: the oldest copies go first beyond these.
var MAX_PAGES = 40;
var MAX_ASSETS = 80;
// Saved pages are checked against the server at most this often while the reader is online.
var REFRESH_EVERY_MS = 60 * 60 * 1000;
var lastRefresh = 0;

function offlinePages() {
  return Object.keys(CONFIG.offlinePages).map(function (code) { return CONFIG.offlinePages[code]; });
}

// Nothing is fetched on install: the first page's save (below) brings the offline page of the
// reader's language, so a first view costs no more than the page itself.
self.addEventListener("install", function (event) {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function pageKey(url) {
  var parsed = new URL(url);
  parsed.hash = "";
  return parsed.href;
}

function languageOf(url) {
  var path = new URL(url).pathname;
  var codes = Object.keys(CONFIG.offlinePages);
  for (var i = 0; i < codes.length; i++) {
    if (path.indexOf("/" + codes[i] + "/") === 0) {
      return codes[i];
    }
  }
  return null;
}

// A page may be kept when it is one of the public pages (under a language prefix, no query: a
// search result is not a page to keep), it answered in full, and it did not ask not to be stored.
function isKeepable(url, response) {
  var parsed = new URL(url);
  if (parsed.origin !== self.location.origin || parsed.search || !languageOf(url)) {
    return false;
  }
  var type = response.headers.get("Content-Type") || "";
  var control = response.headers.get("Cache-Control") || "";
  return response.status === 200 && response.type === "basic" && control.indexOf("no-store") === -1 &&
    (type.indexOf("text/html") === 0 || type.indexOf("application/pdf") === 0);
}

function titleOf(html) {
  var match = /<title>([^<]*)<\/title>/.exec(html);
  return match ? match[1].trim() : "";
}

// The copy is kept with when it was saved and its title (for the offline page's list).
function keepPage(url, response) {
  var type = response.headers.get("Content-Type") || "";
  var isHtml = type.indexOf("text/html") === 0;
  var body = isHtml ? response.text() : response.arrayBuffer();
  return body.then(function (content) {
    var headers = new Headers();
    headers.set("Content-Type", type);
    headers.set(SAVED_AT, new Date().toISOString());
    headers.set(SAVED_TITLE, encodeURIComponent(isHtml ? titleOf(content) : ""));
    return caches.open(PAGES).then(function (cache) {
      return cache.put(pageKey(url), new Response(content, { status: 200, headers: headers }))
        .then(function () { return trim(cache, MAX_PAGES, offlinePages()); });
    });
  });
}

function trim(cache, limit, keep) {
  return cache.keys().then(function (requests) {
    var removable = requests.filter(function (request) {
      return keep.indexOf(new URL(request.url).pathname) === -1;
    });
    var excess = removable.length - limit;
    // keys() lists in the order the entries were put: the oldest first.
    return Promise.all(removable.slice(0, Math.max(0, excess)).map(function (request) {
      return cache.delete(request);
    }));
  });
}

function dropPage(url) {
  return caches.open(PAGES).then(function (cache) { return cache.delete(pageKey(url)); });
}

// The saved copy, its hidden notice given the date it was saved (offline.js shows it).
function savedCopy(url) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(pageKey(url));
  }).then(function (saved) {
    if (!saved) {
      return null;
    }
    var type = saved.headers.get("Content-Type") || "";
    if (type.indexOf("text/html") !== 0) {
      return saved;
    }
    var savedAt = saved.headers.get(SAVED_AT) || "";
    return saved.text().then(function (html) {
      var marked = html.replace('data-saved-at=""', 'data-saved-at="' + savedAt + '"');
      return new Response(marked, { status: 200, headers: { "Content-Type": type } });
    });
  });
}

function offlinePage(url) {
  var language = languageOf(url) || CONFIG.defaultLanguage;
  return caches.open(PAGES).then(function (cache) {
    return cache.match(new URL(CONFIG.offlinePages[language], self.location.origin).href);
  });
}

function fromSavedCopy(request) {
  return savedCopy(request.url).then(function (saved) {
    return saved || offlinePage(request.url).then(function (page) {
      return page || Response.error();
    });
  });
}

function fromNetworkFirst(request) {
  // Known to be offline: the device's copy, said to be one, rather than the browser's HTTP cache,
  // which would answer for a minute as if it were the network.
  if (self.navigator.onLine === false) {
    return savedCopy(request.url).then(function (saved) {
      return saved || fetch(request).catch(function () { return fromSavedCopy(request); });
    });
  }
  return fetch(request).then(function (response) {
    if (isKeepable(request.url, response)) {
      keepPage(request.url, response.clone());
    } else if (response.status === 404 || response.status === 410) {
      dropPage(request.url);
    }
    if (response.status >= 500) {
      return savedCopy(request.url).then(function (saved) { return saved || response; });
    }
    return response;
  }, function () {
    return fromSavedCopy(request);
  });
}

function fromAssetsThenNetwork(event) {
  var request = event.request;
  return caches.open(ASSETS).then(function (cache) {
    return cache.match(request).then(function (saved) {
      var fresh = fetch(request).then(function (response) {
        if (response.status === 200 && response.type === "basic") {
          return cache.put(request, response.clone())
            .then(function () { return trim(cache, MAX_ASSETS, []); })
            .then(function () { return response; });
        }
        return response;
      });
      if (saved) {
        event.waitUntil(fresh.catch(function () { return null; }));
        return saved;
      }
      return fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && languageOf(request.url)) {
    event.respondWith(fromNetworkFirst(request));
  } else if (new URL(request.url).pathname.indexOf(CONFIG.staticUrl) === 0) {
    event.respondWith(fromAssetsThenNetwork(event));
  }
});

// Save URLs now: the page a reader opened before this worker looked after it, with its styles
// and fonts, or a handout the reader asked to keep (its PDF optional: it may not be drawn yet).
// Answers on the message's port.
function saveOne(url, cacheMode) {
  return fetch(url, { credentials: "same-origin", cache: cacheMode }).then(function (response) {
    if (!isKeepable(url, response)) {
      throw new Error(url + " answered " + response.status);
    }
    return keepPage(url, response);
  });
}

// cacheMode "force-cache" takes what the browser has just loaded from its HTTP cache: saving the
// page being read costs no second download.
function save(pages, optional, assets, cacheMode) {
  var pageSaves = pages.map(function (url) { return saveOne(url, cacheMode); }).concat(optional.map(function (url) {
    return saveOne(url, cacheMode).catch(function () { return null; });
  }));
  var assetSaves = caches.open(ASSETS).then(function (cache) {
    return Promise.all(assets.filter(function (url) {
      return new URL(url).pathname.indexOf(CONFIG.staticUrl) === 0;
    }).map(function (url) {
      return cache.match(url).then(function (saved) { return saved || cache.add(url); });
    }));
  });
  return Promise.all(pageSaves.concat([assetSaves]));
}

// Every saved page asked again: replaced if it answers, dropped if it has gone.
function refresh() {
  lastRefresh = Date.now();
  return caches.open(PAGES).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.map(function (request) {
        return fetch(request.url, { cache: "no-cache" }).then(function (response) {
          if (isKeepable(request.url, response)) {
            return keepPage(request.url, response);
          }
          if (response.status === 404 || response.status === 410) {
            return cache.delete(request);
          }
          return null;
        }, function () { return null; });
      }));
    });
  });
}

// The pages kept on this device, for the offline page's list: the worker is the one reader of
// its cache and of the headers it stamps on each copy.
function savedPages() {
  return caches.open(PAGES).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.map(function (request) {
        return cache.match(request).then(function (response) {
          return {
            url: request.url,
            title: decodeURIComponent(response.headers.get(SAVED_TITLE) || ""),
            savedAt: response.headers.get(SAVED_AT) || ""
          };
        }).catch(function () { return null; }); // one unreadable copy hides no other
      })).then(function (pages) { return pages.filter(Boolean); });
    });
  });
}

self.addEventListener("message", function (event) {
  var message = event.data || {};
  var port = event.ports && event.ports[0];
  var answer = function (result) { if (port) { port.postMessage(result); } };
  var work;
  if (message.type === "save") {
    work = save(message.pages || [], message.optional || [], message.assets || [], message.cache || "default").then(
      function () { answer({ saved: true }); },
      function (error) { answer({ saved: false, error: String(error) }); }
    );
  } else if (message.type === "list") {
    work = savedPages().then(
      function (pages) { answer({ pages: pages }); },
      function () { answer({ pages: [] }); }
    );
  } else if (message.type === "refresh" && Date.now() - lastRefresh > REFRESH_EVERY_MS) {
    work = refresh().then(function () { answer({ refreshed: true }); });
  } else {
    answer({});
    return;
  }
  event.waitUntil(work);
});
