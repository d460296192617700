/* Reading settings for older residents (templates/overrides/partials/board/access.html).
 *
 * - Font size, three steps, remembered across pages. Own code: mkdocs-material has no such switch.
 *   Stored with Material's own scoped helpers (__md_get/__md_set), applied before paint in main.html.
 * - High contrast: mkdocs-material's palette toggle does the work and remembers it; this button is a
 *   labelled text twin of the header's icon toggle.
 * - Read aloud (article pages): the browser's speech synthesis, in short pieces so long articles
 *   are not cut off. Own code: mkdocs-material has no read-aloud.
 */
(function () {
  "use strict";

  var root = document.documentElement;

  // mkdocs-material's inline content script (partials/javascripts/content.html), kept here so the
  // Content-Security-Policy needs no inline scripts: a tab named in the address opens.
  var target = document.getElementById(location.hash.slice(1));
  if (target && target.name) target.checked = target.name.indexOf("__tabbed_") === 0;
  var SIZES = ["m", "l", "xl"];

  function store(key, value) {
    try { window.__md_set(key, value); } catch (e) { /* private mode: the choice lasts for this page */ }
  }

  // ---- one button opens the settings (main.html marks <html class="board-js"> before paint) ----
  var toggle = document.querySelector(".board-access__toggle");
  var panel = document.getElementById("board-access-panel");
  if (toggle && panel) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      panel.classList.toggle("board-access__panel--open", open);
    });
  }

  // ---- font size -----------------------------------------------------------------------------
  function setSize(size) {
    if (SIZES.indexOf(size) < 0) size = "m";
    if (size === "m") root.removeAttribute("data-board-size");
    else root.setAttribute("data-board-size", size);
    store("__board_size", size);
    markSize();
  }

  function markSize() {
    var size = root.getAttribute("data-board-size") || "m";
    document.querySelectorAll("button[data-board-size]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-board-size") === size ? "true" : "false");
    });
  }

  document.querySelectorAll("button[data-board-size]").forEach(function (button) {
    button.addEventListener("click", function () { setSize(button.getAttribute("data-board-size")); });
  });
  markSize();

  // ---- high contrast (Material's palette) ----------------------------------------------------
  var CONTRAST = "board-contrast";
  var contrastButton = document.querySelector("button[data-board-contrast]");

  function contrastOn() { return document.body.getAttribute("data-md-color-scheme") === CONTRAST; }

  function markContrast() {
    if (contrastButton) contrastButton.setAttribute("aria-pressed", contrastOn() ? "true" : "false");
  }

  if (contrastButton) {
    contrastButton.addEventListener("click", function () {
      var want = !contrastOn();
      var input = document.querySelector("form[data-md-component=palette] input[data-md-color-scheme=\"" +
        (want ? CONTRAST : "default") + "\"]");
      if (input) {
        input.click(); // Material switches the colours, remembers the choice and updates its own toggle
      } else {
        document.body.setAttribute("data-md-color-scheme", want ? CONTRAST : "default");
      }
      markContrast();
    });
    new MutationObserver(markContrast).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
    markContrast();
  }

  // ---- read aloud ----------------------------------------------------------------------------
  var speakButton = document.querySelector("button[data-board-speak]");
  if (!speakButton) return;

  var speakText = speakButton.querySelector(".board-access__text") || speakButton;
  var synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function") {
    speakButton.disabled = true;
    speakText.textContent = "朗读（本浏览器不支持）";
    return;
  }

  var reading = false;

  function articleText() {
    var article = document.querySelector(".board-article");
    if (!article) return "";
    var parts = [];
    var title = article.querySelector("h1");
    if (title) parts.push(title.textContent);
    article.querySelectorAll(".board-facts > div").forEach(function (row) {
      var dt = row.querySelector("dt"), dd = row.querySelector("dd");
      if (dt && dd && !/阅读时间/.test(dt.textContent)) parts.push(dt.textContent + "：" + dd.textContent);
    });
    // the body, in page order (its first paragraph stands above the facts box on the page)
    article.querySelectorAll(".board-body").forEach(function (body) {
      body.querySelectorAll("h1, h2, h3, h4, p, li, td, th, blockquote > p, dt, dd").forEach(function (node) {
        if (node.closest("li") && node.tagName === "P") return; // the <li> reads it
        parts.push(node.textContent);
      });
    });
    var signature = article.querySelector(".board-signature");
    if (signature) parts.push(signature.textContent);
    return parts.map(function (p) { return p.replace(/\s+/g, " ").trim(); }).filter(Boolean).join("\n");
  }

  /* Pieces of at most ~100 characters, cut after a full stop where possible. */
  function pieces(text) {
    var out = [];
    text.split(/\n+/).forEach(function (line) {
      var sentences = line.match(/[^。！？；!?;]+[。！？；!?;]*/g) || [line];
      var piece = "";
      sentences.forEach(function (s) {
        if (piece && (piece + s).length > 100) { out.push(piece); piece = ""; }
        piece += s;
        while (piece.length > 100) { out.push(piece.slice(0, 100)); piece = piece.slice(100); }
      });
      if (piece.trim()) out.push(piece);
    });
    return out;
  }

  function chineseVoice() {
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) if (/^zh(-|_)?(CN|Hans)?/i.test(voices[i].lang)) return voices[i];
    return null;
  }

  function markReading(on) {
    reading = on;
    speakButton.setAttribute("aria-pressed", on ? "true" : "false");
    speakText.textContent = on ? "停止朗读" : "朗读全文";
  }

  function stop() {
    synth.cancel();
    markReading(false);
  }

  function start() {
    synth.cancel();
    var list = pieces(articleText());
    if (!list.length) return;
    var voice = chineseVoice();
    markReading(true);
    list.forEach(function (piece, i) {
      var utterance = new SpeechSynthesisUtterance(piece);
      utterance.lang = "zh-CN";
      utterance.rate = 0.9; // a little slower than usual, for older listeners
      if (voice) utterance.voice = voice;
      if (i === list.length - 1) {
        utterance.onend = function () { markReading(false); };
      }
      utterance.onerror = function (e) {
        if (e.error !== "interrupted" && e.error !== "canceled") markReading(false);
      };
      synth.speak(utterance);
    });
  }

  speakButton.addEventListener("click", function () { if (reading) stop(); else start(); });
  window.addEventListener("pagehide", function () { synth.cancel(); });
})();
