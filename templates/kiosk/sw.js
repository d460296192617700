/* The kiosk's service worker (rendered by generator/kiosk.py into site/kiosk/sw.js): a screen that
 * reboots with the network down still shows the last content at once, every picture included.
 *
 * One cache per build (board-kiosk-<build>). Installing fills it whole before this worker takes
 * over: the script, the style and the picture of every article the screen may show (PRECACHE: the
 * build lists their URLs with revisions; unchanged ones are copied from the previous build's cache,
 * the rest fetched), and the page and board.json. If the network fails during that, the install
 * fails and the previous worker, with its complete cache, keeps serving; the browser tries again
 * later. Activating drops every other build's cache, so the cache holds only this build's files:
 * pictures of articles gone from board.json leave with it.
 * The page and board.json go to the network first (a new build is seen as soon as it is online);
 * when the network fails or is slower than TIMEOUT_MS the cached copy answers, and board.json from
 * the cache carries the header X-Board-Kiosk-Offline so the page shows "内容更新于…" after an hour.
 * Script, style and pictures come from the cache (their revisions are in this file's text, so a
 * changed picture means a new worker). The page asks for an update whenever board.json changes.
 * Browsers run service workers only over HTTPS or on localhost (README, 上线).
 */
"use strict";

var BUILD = "{{ build }}";
var PREFIX = "board-kiosk-";
var CACHE = PREFIX + BUILD;
var TIMEOUT_MS = 6000;
var REVISION = "X-Board-Revision";
var SITE = new URL("../", self.location).href;
var PAGE = key(new URL("./", self.location).href);
var BOARD = key(new URL("../board.json", self.location).href);
var PRECACHE = {};  // cache key -> revision
(function (listed) {
  Object.keys(listed).forEach(function (path) { PRECACHE[key(new URL(path, SITE).href)] = listed[path]; });
})({{ precache_json }});

/* One form for a URL however it was written: no query or fragment, each path segment percent-encoded
 * as encodeURIComponent does (the page writes covers that way; the build lists them unencoded). */
function key(url) {
  var u = new URL(url);
  u.search = "";
  u.hash = "";
  u.pathname = u.pathname.split("/").map(function (part) {
    try { return encodeURIComponent(decodeURIComponent(part)); } catch (e) { return part; }
  }).join("/");
  return u.href;
}

/* A response with its body read whole (a body cut off by a dropped connection never reaches the
 * cache, where it would replace a good copy), optionally marked with a header. */
function whole(response, name, value) {
  return response.blob().then(function (body) {
    var headers = new Headers(response.headers);
    if (name) headers.set(name, value);
    return new Response(body, { status: response.status, statusText: response.statusText, headers: headers });
  });
}

/* The stored copy of `url` in any of this board's caches, newest build's first, with `revision` if given. */
function stored(url, revision) {
  return caches.keys().then(function (names) {
    names = names.filter(function (n) { return n.indexOf(PREFIX) === 0; });
    names.sort(function (a, b) { return a === CACHE ? -1 : b === CACHE ? 1 : 0; });
    return names.reduce(function (found, name) {
      return found.then(function (hit) {
        if (hit) return hit;
        return caches.open(name).then(function (cache) { return cache.match(url); }).then(function (r) {
          return r && (!revision || r.headers.get(REVISION) === revision) ? r : undefined;
        });
      });
    }, Promise.resolve(undefined));
  });
}

/* Install: every listed file into this build's cache, or fail (the previous worker keeps serving). */
function precache(cache) {
  var listed = Object.keys(PRECACHE).map(function (url) {
    var revision = PRECACHE[url];
    return stored(url, revision).then(function (copy) {
      if (copy) return cache.put(url, copy);
      return fetch(url, { cache: "no-cache" }).then(function (response) {
        // say, a picture not uploaded yet: the install fails, the previous worker serves till the next try
        if (!response.ok) throw new Error("HTTP " + response.status + " " + url);
        return whole(response, REVISION, revision).then(function (copy) { return cache.put(url, copy); });
      });
    });
  });
  // the page and board.json from the network, or else the last copy (the page itself carries its articles)
  var live = [PAGE, BOARD].map(function (url) {
    return fetch(url, { cache: "no-cache" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return whole(response).then(function (copy) { return cache.put(url, copy); });
    }).catch(function (problem) {
      return stored(url).then(function (copy) { if (copy) return cache.put(url, copy); throw problem; });
    });
  });
  return Promise.all(listed.concat(live));
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(precache).then(function () { return self.skipWaiting(); })
    .catch(function (problem) {
      return caches.delete(CACHE).then(function () { throw problem; }); // no half-filled cache is left
    }));
});

self.addEventListener("activate", function (event) {
  // other builds' caches (and the single cache of the first kiosk workers) go: pictures of articles
  // no longer on the board leave with them
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n !== CACHE && (n.indexOf(PREFIX) === 0 || n === "board-kiosk");
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

/* The network's answer within TIMEOUT_MS, stored under `url` when it is good; else the stored one. */
function networkFirst(request, url, offlineHeader) {
  var network = fetch(request).then(function (response) {
    if (!response.ok) throw new Error("HTTP " + response.status);
    var copy = response.clone();
    whole(copy).then(function (body) {
      return caches.open(CACHE).then(function (cache) { return cache.put(url, body); });
    }).catch(function () {});
    return response;
  });
  var late = new Promise(function (resolve, reject) {
    setTimeout(function () { reject(new Error("timeout")); }, TIMEOUT_MS);
  });
  return Promise.race([network, late]).catch(function (problem) {
    return stored(url).then(function (copy) {
      if (!copy) return network.catch(function () { throw problem; });
      return offlineHeader ? whole(copy, "X-Board-Kiosk-Offline", "1") : copy;
    });
  });
}

/* Script, style and pictures: the stored copy, else the network (an article from a newer board.json
 * than this worker knows; the page then asks for the newer worker, which keeps its picture). */
function cacheFirst(request, url) {
  return stored(url).then(function (copy) { return copy || fetch(request); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  var url = key(request.url);
  if (request.mode === "navigate") {
    if (url === PAGE || url === PAGE + "index.html") event.respondWith(networkFirst(request, PAGE, false));
  } else if (url === BOARD) {
    event.respondWith(networkFirst(request, BOARD, true));
  } else if (Object.prototype.hasOwnProperty.call(PRECACHE, url)) {
    event.respondWith(cacheFirst(request, url));
  } else {
    event.respondWith(fetch(request).catch(function (problem) {
      return stored(url).then(function (copy) { if (copy) return copy; throw problem; });
    }));
  }
});
