/* The kiosk: one current article at a time, urgent first, then pinned, then newest.
 *
 * Runs for weeks without anyone touching it:
 *  - starts from the set embedded in the page (#kiosk-data), then re-reads board.json every
 *    data-refresh seconds; a failed fetch or a broken board.json keeps the last good set;
 *  - drops an article at its `expires` time by this screen's own clock, even without a rebuild;
 *  - tap pauses (and resumes), swipe or the buttons move; a paused screen carries on by itself;
 *  - a service worker (sw.js) keeps the page, board.json and the pictures of every article it may
 *    show, so a screen restarted without network shows the last content at once; when board.json has not been
 *    refreshed for data-stale seconds, a small line says when the content is from;
 *  - outside data-hours (kiosk_hours) only a dim clock and the committee's phone show, unless an
 *    urgent notice is current.
 * One timer ticks twice a second and decides everything from Date.now(), so a sleeping screen,
 * a clock change or a test's fake clock all come out right.
 */
(function () {
  "use strict";

  var SHANGHAI_OFFSET = 8 * 3600 * 1000; // China has no daylight saving time
  var WEEKDAYS = ["日", "一", "二", "三", "四", "五", "六"];
  var body = document.body;
  var stage = document.getElementById("kiosk-stage");

  function seconds(value, fallback) {
    var n = parseFloat(value);
    return isFinite(n) && n > 0 ? n : fallback;
  }

  var config = {
    interval: seconds(body.getAttribute("data-interval"), 15) * 1000,
    refresh: seconds(body.getAttribute("data-refresh"), 300) * 1000,
    resume: seconds(body.getAttribute("data-resume"), 60) * 1000,
    items: seconds(body.getAttribute("data-items"), 30),
    board: body.getAttribute("data-board") || "../board.json",
    committee: body.getAttribute("data-committee") || "",
    stale: seconds(body.getAttribute("data-stale"), 3600) * 1000,
    hours: parseHours(body.getAttribute("data-hours")),
    worker: body.getAttribute("data-sw") || "",
    committeeBreaks: (body.getAttribute("data-committee-breaks") || "").split(",").filter(Boolean).map(Number)
  };

  /* "390-1320" -> [390, 1320] (minutes of the day the screen is on); null: always on. */
  function parseHours(text) {
    var m = /^(\d+)-(\d+)$/.exec(text || "");
    return m && m[1] !== m[2] ? [parseInt(m[1], 10), parseInt(m[2], 10)] : null;
  }

  // When board.json last came from the server (not from the service worker's copy), kept across
  // restarts: a screen that reboots offline knows how old its content is.
  var FRESH_KEY = "board-kiosk-fresh:" + location.pathname;
  function storedFresh() {
    try { var n = parseFloat(localStorage.getItem(FRESH_KEY)); return isFinite(n) ? n : null; } catch (e) { return null; }
  }
  function storeFresh(ms) {
    try { localStorage.setItem(FRESH_KEY, String(ms)); } catch (e) { /* private mode: this session only */ }
  }

  function readJson(id) {
    var node = document.getElementById(id);
    try { return node ? JSON.parse(node.textContent) : null; } catch (e) { return null; }
  }

  var qrInline = readJson("kiosk-qr") || {};
  var typeLabels = readJson("kiosk-types") || {};

  var state = {
    articles: [],     // the last good set (validated entries, manifest order)
    siteUrl: null,
    shown: [],        // what is on rotation now: current, not yet expired, board order
    slug: null,       // the article on screen
    nextAt: 0,        // when the next article comes up
    paused: false,
    resumeAt: 0,
    drawnKey: "",
    lastFetchAt: -Infinity,
    fetching: false,
    fetches: 0,
    goodFetches: 0,
    badFetches: 0,
    offlineFetches: 0, // answered by the service worker's copy
    freshAt: 0,       // when the content on screen last came from the server
    quiet: false,
    worker: null,     // the service worker's registration (a promise), if the browser allows one
    boardText: null   // the last board.json from the server, to notice a new build
  };

  // ---- time, in Shanghai whatever the screen's own time zone -------------------------------
  function shanghai(ms) {
    var d = new Date(ms + SHANGHAI_OFFSET);
    return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(),
             min: d.getUTCMinutes(), wd: d.getUTCDay() };
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  /* Outside the on-hours (Shanghai time)? A range like 22:00-06:30 runs over midnight. */
  function isQuiet(ms) {
    if (!config.hours) return false;
    var t = shanghai(ms), m = t.h * 60 + t.min, start = config.hours[0], end = config.hours[1];
    var on = start < end ? (m >= start && m < end) : (m >= start || m < end);
    return !on;
  }
  function parseTime(text) {
    if (typeof text !== "string") return NaN;
    return Date.parse(text);
  }

  // ---- the set of articles -----------------------------------------------------------------
  function validEntry(a) {
    return a && typeof a === "object" && typeof a.slug === "string" && a.slug &&
      typeof a.title === "string" && a.title && typeof a.url === "string";
  }

  /* Accept a manifest, or return false (and keep the last good set) if it is not one. */
  function accept(data) {
    if (!data || typeof data !== "object" || !Array.isArray(data.articles)) return false;
    var entries = data.articles.filter(validEntry);
    if (data.articles.length && !entries.length) return false;
    state.articles = entries;
    state.siteUrl = typeof data.site_url === "string" && data.site_url ? data.site_url : null;
    return true;
  }

  function rank(a) { return a.urgent ? 0 : (a.pinned ? 1 : 2); }

  /* Current and not expired by this screen's clock; urgent, then pinned, otherwise manifest order
     (newest first). In quiet hours, urgent notices only. */
  function onRotation(now) {
    var quiet = isQuiet(now);
    var list = state.articles.filter(function (a) {
      if (a.status && a.status !== "current") return false;
      if (quiet && !a.urgent) return false;
      var expires = parseTime(a.expires);
      return !(expires <= now);
    });
    return list.map(function (a, i) { return [a, i]; })
      .sort(function (x, y) { return rank(x[0]) - rank(y[0]) || x[1] - y[1]; })
      .map(function (pair) { return pair[0]; })
      .slice(0, config.items);
  }

  function indexOf(slug) {
    for (var i = 0; i < state.shown.length; i++) if (state.shown[i].slug === slug) return i;
    return -1;
  }

  // ---- drawing -----------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  /* Text with <wbr> at the phrase breaks the build found (board.json's `breaks`, from
     generator/phrases.py); kiosk.css lets lines break only there (word-break: keep-all). */
  function phrased(tag, className, text, a, key) {
    var node = el(tag, className);
    var cuts = a.breaks && typeof a.breaks === "object" && Array.isArray(a.breaks[key]) ? a.breaks[key] : null;
    if (!cuts) { node.textContent = text; node.classList.add("kiosk-anywhere"); return node; }
    var at = 0;
    cuts.concat([text.length]).forEach(function (cut, i) {
      if (typeof cut !== "number" || cut <= at || cut > text.length) return;
      if (i && at) node.appendChild(document.createElement("wbr"));
      node.appendChild(document.createTextNode(text.slice(at, cut)));
      at = cut;
    });
    return node;
  }

  function fact(list, label, value, extra, a, key) {
    if (!value) return;
    var row = el("div", "kiosk-fact" + (extra ? " " + extra : ""));
    row.appendChild(el("dt", null, label));
    row.appendChild(phrased("dd", null, value, a, key));
    list.appendChild(row);
  }

  /* Dates and event times come written from the build (board.json's `display`, from the one date
     formatter the site and the posters use), so the screen never shows a date differently. */
  function shown(a, key) {
    var d = a.display;
    return d && typeof d === "object" && typeof d[key] === "string" ? d[key] : "";
  }

  function encodePath(path) {
    return path.split("/").map(encodeURIComponent).join("/");
  }

  function slide(a) {
    var node = el("article", "kiosk-slide kiosk-slide--" + (a.type || "notice"));
    node.setAttribute("data-slug", a.slug);
    node.setAttribute("aria-roledescription", "公告");
    if (a.urgent) node.classList.add("kiosk-slide--urgent");

    var kind = el("p", "kiosk-slide__kind");
    if (a.urgent) kind.appendChild(el("span", "kiosk-tag kiosk-tag--urgent", "紧急"));
    if (a.pinned) kind.appendChild(el("span", "kiosk-tag kiosk-tag--pinned", "置顶"));
    kind.appendChild(el("span", "kiosk-tag kiosk-tag--type", typeLabels[a.type] || "公告"));
    if (a.event) kind.appendChild(el("span", "kiosk-tag kiosk-tag--event", "活动"));
    node.appendChild(kind);

    node.appendChild(phrased("h1", "kiosk-slide__title", a.title, a, "title"));
    if (a.summary) node.appendChild(phrased("p", "kiosk-slide__summary", a.summary, a, "summary"));

    var facts = el("dl", "kiosk-facts");
    if (a.event && typeof a.event === "object") {
      fact(facts, "活动时间", shown(a, "event"), "kiosk-fact--event", a, "display.event");
      fact(facts, "活动地点", typeof a.event.location === "string" ? a.event.location : "", "kiosk-fact--event", a, "location");
    }
    fact(facts, "发布日期", shown(a, "date"), null, a, "display.date");
    if (typeof a.author === "string" && a.author) fact(facts, "发布单位", a.author, null, a, "author");
    else fact(facts, "发布单位", config.committee, null, {breaks: {name: config.committeeBreaks}}, "name");
    fact(facts, "有效期至", shown(a, "expires"), null, a, "display.expires");
    node.appendChild(facts);

    var side = el("div", "kiosk-slide__side");
    if (typeof a.cover === "string" && a.cover) {
      var figure = el("figure", "kiosk-cover");
      var img = el("img");
      img.alt = "";
      img.src = "../" + encodePath(a.cover);
      img.onerror = function () { figure.remove(); node.classList.remove("has-cover"); fit(); };
      figure.appendChild(img);
      side.appendChild(figure);
      node.classList.add("has-cover");
    }
    if (state.siteUrl) {
      var qr = el("figure", "kiosk-qr");
      var code = el("div", "kiosk-qr__code");
      code.setAttribute("role", "img");
      code.setAttribute("aria-label", "二维码：手机扫码阅读《" + a.title + "》全文");
      var known = qrInline[a.slug];
      if (known && known.site === state.siteUrl && known.url === a.short_url) {
        code.innerHTML = qrInline[a.slug].svg; // generated by the build from the site's own settings
      } else {
        var qrImg = el("img");
        qrImg.alt = "";
        qrImg.src = "qr/" + encodeURIComponent(a.slug) + ".svg";
        qrImg.onerror = function () { qr.remove(); node.classList.remove("has-qr"); };
        code.appendChild(qrImg);
      }
      qr.appendChild(code);
      qr.appendChild(el("figcaption", null, "手机扫码看全文"));
      side.appendChild(qr);
      node.classList.add("has-qr");
    }
    if (side.childNodes.length) node.appendChild(side);
    return node;
  }

  function emptySlide() {
    var node = el("article", "kiosk-slide kiosk-slide--empty");
    node.appendChild(el("h1", "kiosk-slide__title", "目前没有正在公示的公告"));
    node.appendChild(el("p", "kiosk-slide__summary", "新的通知发布后会自动显示在这里。"));
    return node;
  }

  /* Shrink the type step by step until the slide fits the screen (long titles, long summaries). */
  function fit() {
    var node = stage.firstElementChild;
    if (!node) return;
    var style = getComputedStyle(stage);
    var room = stage.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    var scale = 1;
    node.style.setProperty("--fit", scale);
    while (node.scrollHeight > room + 1 && scale > 0.5) {
      scale = Math.round((scale - 0.05) * 100) / 100;
      node.style.setProperty("--fit", scale);
    }
  }

  function draw() {
    var a = state.shown[indexOf(state.slug)];
    // while an urgent notice is current, its title stays on screen under the other articles too
    var urgent = state.shown.filter(function (u) { return u.urgent && (!a || u.slug !== a.slug); });
    var alert = document.getElementById("kiosk-alert");
    alert.hidden = !urgent.length || Boolean(a && a.urgent);
    alert.textContent = "";
    if (urgent.length) {
      alert.appendChild(el("span", "kiosk-tag kiosk-tag--urgent", "紧急"));
      alert.appendChild(document.createTextNode(" " + urgent.map(function (u) { return u.title; }).join("；")));
    }
    var quiet = state.quiet && !a;
    body.classList.toggle("is-quiet", quiet);
    document.getElementById("kiosk-quiet").hidden = !quiet;
    var node = a ? slide(a) : emptySlide();
    stage.textContent = "";
    stage.appendChild(node);
    fit();
    body.setAttribute("data-current", a ? a.slug : "");
    var count = document.getElementById("kiosk-count");
    count.textContent = a ? "第 " + (indexOf(a.slug) + 1) + " 条，共 " + state.shown.length + " 条" : "";
    restartProgress();
  }

  function restartProgress() {
    var bar = document.getElementById("kiosk-progress");
    bar.classList.remove("is-running");
    void bar.offsetWidth; // restart the CSS animation
    bar.style.animationDuration = config.interval / 1000 + "s";
    bar.style.animationDelay = -Math.max(0, config.interval - (state.nextAt - Date.now())) / 1000 + "s";
    if (!state.paused && state.shown.length > 1) bar.classList.add("is-running");
  }

  // ---- moving ------------------------------------------------------------------------------
  function show(slug, now) {
    state.slug = slug;
    state.nextAt = now + config.interval;
    draw();
  }

  function move(step, now) {
    if (!state.shown.length) { show(null, now); return; }
    var i = indexOf(state.slug);
    var n = state.shown.length;
    var next = i < 0 ? 0 : ((i + step) % n + n) % n;
    show(state.shown[next].slug, now);
  }

  /* Recompute what is on rotation; keep the article on screen if it still is, else go on to the next. */
  function reconcile(now) {
    var position = indexOf(state.slug);
    state.shown = onRotation(now);
    state.quiet = isQuiet(now);
    var key = JSON.stringify(state.shown) + "|" + state.siteUrl + "|" + state.quiet;
    var changed = key !== state.drawnKey;
    state.drawnKey = key;
    if (indexOf(state.slug) >= 0) {
      if (changed) draw(); // same article, new details or position after a rebuild
      return;
    }
    if (!state.shown.length) { if (changed || state.slug !== null || !stage.querySelector(".kiosk-slide")) show(null, now); return; }
    // the article on screen left (expired, or gone from board.json): the one after it takes its place
    var next = position >= 0 && position < state.shown.length ? state.shown[position] : state.shown[0];
    show(next.slug, now);
  }

  function setPaused(paused, now) {
    state.paused = paused;
    state.resumeAt = now + config.resume;
    if (!paused) state.nextAt = now + config.interval;
    body.classList.toggle("is-paused", paused);
    var button = document.querySelector("[data-action=pause]");
    button.setAttribute("aria-pressed", paused ? "true" : "false");
    button.textContent = paused ? "继续" : "暂停";
    updatePausedNote(now);
    restartProgress();
  }

  function updatePausedNote(now) {
    var note = document.getElementById("kiosk-paused");
    if (!state.paused) { note.hidden = true; return; }
    var left = Math.max(0, Math.ceil((state.resumeAt - now) / 1000));
    note.hidden = false;
    note.textContent = "已暂停，轻触屏幕继续（" + left + " 秒后自动继续）";
  }

  function userMove(step) {
    var now = Date.now();
    if (state.paused) state.resumeAt = now + config.resume;
    move(step, now);
  }

  // ---- board.json --------------------------------------------------------------------------
  function refresh(now) {
    if (state.fetching || typeof fetch !== "function") return;
    state.fetching = true;
    state.lastFetchAt = now;
    state.fetches += 1;
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, 20000) : null;
    fetch(config.board, { cache: "no-store", signal: controller ? controller.signal : undefined })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        var offline = response.headers.get("X-Board-Kiosk-Offline") === "1";
        return response.text().then(function (text) { return { data: JSON.parse(text), text: text, offline: offline }; });
      })
      .then(function (answer) {
        if (!accept(answer.data)) throw new Error("not a board manifest");
        if (answer.offline) {
          // the service worker's copy: shown (it may be newer than the page), but not fresh
          state.offlineFetches += 1;
          state.badFetches += 1;
        } else {
          state.goodFetches += 1;
          state.freshAt = Date.now();
          storeFresh(state.freshAt);
          updateWorker(answer.text);
        }
        reconcile(Date.now());
        drawStale(Date.now());
      })
      .catch(function () { state.badFetches += 1; }) // keep the last good set on screen
      .then(function () {
        if (timer) clearTimeout(timer);
        state.fetching = false;
      });
  }

  // ---- the service worker: the last content survives a restart without network ------------
  function startWorker() {
    if (!config.worker || !("serviceWorker" in navigator)) return; // plain http (not localhost): no worker
    state.worker = navigator.serviceWorker.register(config.worker).catch(function () { return null; }); // the screen works without it
  }

  /* board.json changed (a new build is online): the worker of that build keeps its pictures, so
     ask the browser to look for it now rather than at the next restart. */
  function updateWorker(text) {
    var changed = state.boardText !== null && text !== state.boardText;
    state.boardText = text;
    if (!changed || !state.worker) return;
    state.worker.then(function (registration) { return registration && registration.update(); }).catch(function () {});
  }

  // ---- the clock ---------------------------------------------------------------------------
  function drawClock(now) {
    var t = shanghai(now);
    document.getElementById("kiosk-time").textContent = two(t.h) + ":" + two(t.min);
    document.getElementById("kiosk-date").textContent = t.y + "年" + t.m + "月" + t.d + "日 星期" + WEEKDAYS[t.wd];
    // the quiet-hours screen shows the same clock
    document.getElementById("kiosk-quiet-time").textContent = document.getElementById("kiosk-time").textContent;
    document.getElementById("kiosk-quiet-date").textContent = document.getElementById("kiosk-date").textContent;
  }

  /* "内容更新于 11月26日 10:00" once board.json has not come from the server for data-stale seconds. */
  function drawStale(now) {
    var line = document.getElementById("kiosk-stale");
    var stale = now - state.freshAt > config.stale;
    if (stale) {
      var t = shanghai(state.freshAt);
      line.textContent = "内容更新于 " + t.m + "月" + t.d + "日 " + two(t.h) + ":" + two(t.min);
    }
    line.hidden = !stale;
  }

  function tick() {
    var now = Date.now();
    // the screen's clock was set back (time sync): timers measured from the old time would stall
    if (state.nextAt - now > config.interval) state.nextAt = now + config.interval;
    if (state.resumeAt - now > config.resume) state.resumeAt = now + config.resume;
    if (state.lastFetchAt > now) state.lastFetchAt = now - config.refresh;
    drawClock(now);
    reconcile(now);
    drawStale(now);
    if (state.paused && now >= state.resumeAt) setPaused(false, now);
    if (!state.paused && now >= state.nextAt && state.shown.length) move(1, now);
    updatePausedNote(now);
    if (now - state.lastFetchAt >= config.refresh) refresh(now);
  }

  // ---- touch, mouse and keys ---------------------------------------------------------------
  var start = null;
  stage.addEventListener("pointerdown", function (e) {
    start = { x: e.clientX, y: e.clientY, id: e.pointerId };
  });
  stage.addEventListener("pointercancel", function () { start = null; });
  stage.addEventListener("pointerup", function (e) {
    if (!start || start.id !== e.pointerId) return;
    var dx = e.clientX - start.x;
    var dy = e.clientY - start.y;
    start = null;
    if (Math.abs(dx) >= 50 && Math.abs(dx) > Math.abs(dy)) {
      userMove(dx < 0 ? 1 : -1); // swipe left: next; swipe right: previous
    } else if (Math.abs(dx) < 20 && Math.abs(dy) < 20) {
      setPaused(!state.paused, Date.now()); // tap
    }
  });
  document.querySelector(".kiosk-controls").addEventListener("click", function (e) {
    var button = e.target.closest("button[data-action]");
    if (!button) return;
    var action = button.getAttribute("data-action");
    if (action === "pause") setPaused(!state.paused, Date.now());
    else userMove(action === "next" ? 1 : -1);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight" || e.key === "PageDown") userMove(1);
    else if (e.key === "ArrowLeft" || e.key === "PageUp") userMove(-1);
    else if (e.key === " " && e.target === document.body) { e.preventDefault(); setPaused(!state.paused, Date.now()); }
  });
  window.addEventListener("resize", fit);
  document.addEventListener("contextmenu", function (e) { e.preventDefault(); }); // no long-press menu on the screen

  // ---- start -------------------------------------------------------------------------------
  accept(readJson("kiosk-data"));
  var now = Date.now();
  var fresh = storedFresh();
  state.freshAt = fresh !== null && fresh <= now ? fresh : now;
  startWorker();
  reconcile(now);
  drawClock(now);
  drawStale(now);
  refresh(now);
  setInterval(tick, 500);

  // For maintenance and the browser tests: what the screen is doing, read-only.
  window.boardKiosk = {
    status: function () {
      return {
        order: state.shown.map(function (a) { return a.slug; }),
        current: state.slug,
        paused: state.paused,
        fetches: state.fetches,
        goodFetches: state.goodFetches,
        badFetches: state.badFetches,
        offlineFetches: state.offlineFetches,
        freshAt: state.freshAt,
        quiet: state.quiet,
        controlled: Boolean(navigator.serviceWorker && navigator.serviceWorker.controller),
        interval: config.interval / 1000,
        refresh: config.refresh / 1000,
        resume: config.resume / 1000
      };
    }
  };
})();
