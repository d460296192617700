/* The kiosk's service worker (rendered by generator/kiosk.py into site/kiosk/sw.js): a screen that
 * reboots with the network down still shows the last content at once.
 *
 * Keeps the kiosk page, its script and style, board.json and the pictures on rotation (the page
 * sends their list) in one cache. Every request goes to the network first, so a new build is seen
 * as soon as it is online; when the network fails or is slower than TIMEOUT_MS, the cached copy
 * answers. board.json answered from the cache carries the header X-Board-Kiosk-Offline, so the
 * page knows its content was not refreshed (and shows "内容更新于…" after an hour).
 * Browsers run service workers only over HTTPS or on localhost (README, 上线).
 */
"use strict";

var BUILD = "{{ build }}";  // changes when the page's script or style changes, so the browser updates this worker
var CACHE = "board-kiosk";
var TIMEOUT_MS = 6000;
var PAGE = new URL("./", self.location).href;
var BOARD = new URL("../board.json", self.location).href;
var ASSETS = {{ assets_json }}.map(function (name) { return new URL(name, self.location).href; });
var FIXED = [PAGE, BOARD].concat(ASSETS);

function bare(url) {
  var u = new URL(url);
  u.search = "";
  u.hash = "";
  return u.href;
}

/* The network's answer within TIMEOUT_MS, stored under `key` when it is good; else the stored one. */
function networkFirst(request, key, offlineHeader) {
  var network = fetch(request).then(function (response) {
    if (!response.ok) throw new Error("HTTP " + response.status);
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { return cache.put(key, copy); }).catch(function () {});
    return response;
  });
  var late = new Promise(function (resolve, reject) {
    setTimeout(function () { reject(new Error("timeout")); }, TIMEOUT_MS);
  });
  return Promise.race([network, late]).catch(function (problem) {
    return caches.open(CACHE).then(function (cache) { return cache.match(key); }).then(function (stored) {
      if (!stored) return network.catch(function () { throw problem; });
      if (!offlineHeader) return stored;
      var headers = new Headers(stored.headers);
      headers.set("X-Board-Kiosk-Offline", "1");
      return stored.blob().then(function (body) {
        return new Response(body, { status: stored.status, statusText: stored.statusText, headers: headers });
      });
    });
  });
}

function store(cache, url) {
  return fetch(url, { cache: "no-cache" }).then(function (response) {
    if (response.ok) return cache.put(url, response);
  }).catch(function () {}); // offline at install: the page's own requests fill the cache later
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(FIXED.map(function (url) { return store(cache, url); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  // an older build's script and style (other hashes in their names) are dropped
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.filter(function (r) {
        return /\/kiosk\.[0-9a-f]+\.(js|css)$/.test(r.url) && ASSETS.indexOf(r.url) < 0;
      }).map(function (r) { return cache.delete(r); }));
    });
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  var key = bare(request.url);
  if (request.mode === "navigate") {
    event.respondWith(networkFirst(request, PAGE, false));
  } else {
    event.respondWith(networkFirst(request, key, key === BOARD));
  }
});

/* The page names the pictures on rotation: fetch the missing ones, forget the rest. */
self.addEventListener("message", function (event) {
  var data = event.data;
  if (!data || data.type !== "keep" || !Array.isArray(data.urls)) return;
  var keep = data.urls.filter(function (u) {
    return typeof u === "string" && new URL(u, self.location).origin === self.location.origin;
  }).map(function (u) { return bare(new URL(u, self.location).href); });
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      var have = requests.map(function (r) { return r.url; });
      var drop = requests.filter(function (r) { return FIXED.indexOf(r.url) < 0 && keep.indexOf(r.url) < 0; });
      var add = keep.filter(function (u) { return have.indexOf(u) < 0; });
      return Promise.all(drop.map(function (r) { return cache.delete(r); })
        .concat(add.map(function (u) { return store(cache, u); })));
    });
  }).then(function () {
    if (event.source) event.source.postMessage({ type: "kept", urls: keep });
  }));
});
