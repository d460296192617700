/* Board search: exact phrase search in the bigram index under search/data/ (generator/search_index.py).
   Loaded only on the search page; nothing is fetched until a query is run. */
(function () {
  "use strict";
  var script = document.currentScript;
  var DATA = script.getAttribute("data-index");   // URL of search/data/, relative to this page
  var SITE = script.getAttribute("data-site");    // URL of the site root, relative to this page
  var PAGE_SIZE = 10;
  var cache = new Map();

  function get(url, asText) {
    if (!cache.has(url)) {
      cache.set(url, fetch(url).then(function (r) {
        if (!r.ok) throw new Error(url + " " + r.status);
        return asText ? r.text() : r.json();
      }));
    }
    return cache.get(url);
  }

  function normalise(text) {  // the same per-character folding as search_index.normalise
    var out = [];
    for (var ch of text) {
      var folded = ch.normalize("NFKC").toLowerCase();
      if (Array.from(folded).length !== 1) {
        var lower = ch.toLowerCase();
        folded = Array.from(lower).length === 1 ? lower : ch;
      }
      out.push(folded);
    }
    return out;  // an array of code points (as strings)
  }

  var WORD = /[\p{L}\p{N}_]/u;

  function runs(chars) {  // stretches of word characters, as search_index does with \w+
    var found = [], current = [];
    chars.forEach(function (ch) {
      if (WORD.test(ch)) { current.push(ch); } else { if (current.length) found.push(current); current = []; }
    });
    if (current.length) found.push(current);
    return found;
  }

  function shardOf(bigram, shards) {  // FNV-1a over code points, as search_index.shard_of
    var h = 0x811c9dc5;
    for (var ch of bigram) { h ^= ch.codePointAt(0); h = Math.imul(h, 0x01000193) >>> 0; }
    return h % shards;
  }

  function offsets(length) {  // bigrams at 0, 2, 4 ... and the last one cover every character
    var list = [];
    for (var i = 0; i <= length - 2; i += 2) list.push(i);
    if (list[list.length - 1] !== length - 2) list.push(length - 2);
    return list;
  }

  function decode(entries) {  // [[doc, p0, Δ, Δ ...]] -> Map(doc -> Set(positions))
    var map = new Map();
    (entries || []).forEach(function (e) {
      var set = new Set(), p = 0;
      for (var i = 1; i < e.length; i++) { p = i === 1 ? e[1] : p + e[i]; set.add(p); }
      map.set(e[0], set);
    });
    return map;
  }

  function search(query) {
    var terms = runs(normalise(query)).filter(function (r) { return r.length >= 2; });
    if (!terms.length) return Promise.resolve({ tooShort: true, hits: [] });
    return get(DATA + "meta.json").then(function (meta) {
      var needed = new Set();
      terms.forEach(function (run) {
        offsets(run.length).forEach(function (i) { needed.add(shardOf(run[i] + run[i + 1], meta.shards)); });
      });
      return Promise.all(Array.from(needed).map(function (n) {
        return get(DATA + "s/" + n + ".json").then(function (s) { return [n, s]; }, function () { return [n, {}]; });
      })).then(function (loaded) {
        var shards = new Map(loaded);
        var perDoc = null;  // doc -> {positions: [[p, length]], count}
        terms.forEach(function (run) {
          var lists = offsets(run.length).map(function (i) {
            var bigram = run[i] + run[i + 1];
            return [i, decode(shards.get(shardOf(bigram, meta.shards))[bigram])];
          });
          var found = new Map();
          lists[0][1].forEach(function (starts, doc) {
            if (perDoc && !perDoc.has(doc)) return;
            var hits = [];
            starts.forEach(function (p) {
              for (var k = 1; k < lists.length; k++) {
                var set = lists[k][1].get(doc);
                if (!set || !set.has(p + lists[k][0])) return;
              }
              hits.push(p);
            });
            if (hits.length) found.set(doc, hits.sort(function (a, b) { return a - b; }));
          });
          var merged = new Map();
          found.forEach(function (hits, doc) {
            var before = perDoc ? perDoc.get(doc) : { spans: [], count: 0 };
            merged.set(doc, {
              spans: before.spans.concat(hits.map(function (p) { return [p, run.length]; })),
              count: before.count + Math.min(hits.length, 100)
            });
          });
          perDoc = merged;
        });
        return rank(meta, perDoc || new Map());
      });
    });
  }

  function rank(meta, perDoc) {
    var pages = new Set();
    perDoc.forEach(function (_, doc) { pages.add(Math.floor(doc / meta.per_page)); });
    return Promise.all(Array.from(pages).map(function (n) {
      return get(DATA + "d/" + n + ".json").then(function (rows) { return [n, rows]; });
    })).then(function (loaded) {
      var rows = new Map(loaded), hits = [];
      perDoc.forEach(function (found, doc) {
        var row = rows.get(Math.floor(doc / meta.per_page))[doc % meta.per_page];
        var inTitle = found.spans.some(function (s) { return s[0] < row[5]; });
        hits.push({ doc: doc, url: row[0], title: row[1], type: row[2], date: row[3], expired: row[4],
                    titleLength: row[5], bodyStart: row[6], shownDate: row[7] || row[3], spans: found.spans, score: (inTitle ? 1000 : 0) + found.count });
      });
      hits.sort(function (a, b) {
        return b.score - a.score || (a.expired - b.expired) || (a.date < b.date ? 1 : a.date > b.date ? -1 : 0);
      });
      return { tooShort: false, hits: hits, meta: meta };
    });
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function marked(chars, from, to, spans) {  // chars[from:to] with the matched spans in <mark>
    var marks = new Array(to - from).fill(false);
    spans.forEach(function (s) {
      for (var i = Math.max(s[0], from); i < Math.min(s[0] + s[1], to); i++) marks[i - from] = true;
    });
    var html = "", open = false;
    for (var i = from; i < to; i++) {
      if (marks[i - from] && !open) { html += "<mark>"; open = true; }
      if (!marks[i - from] && open) { html += "</mark>"; open = false; }
      html += escapeHtml(chars[i] === "\n" ? " " : chars[i]);
    }
    return html + (open ? "</mark>" : "");
  }

  function excerpt(hit, meta) {
    var spans = hit.spans.slice().sort(function (a, b) { return a[0] - b[0]; });
    // From the body text only: never the summary's end run into the tags. A match only in the title
    // or the summary shows the opening of the body (where the summary comes from).
    var body = spans.filter(function (s) { return s[0] >= hit.bodyStart; });
    var at = body.length ? body[0][0] : hit.bodyStart;
    var first = Math.floor(Math.max(at - 40, 0) / meta.chunk), last = Math.floor((at + 90) / meta.chunk);
    var urls = [];
    for (var n = first; n <= last; n++) urls.push(DATA + "t/" + hit.doc + "-" + n + ".txt");
    return Promise.all(urls.map(function (u) { return get(u, true).catch(function () { return ""; }); })).then(function (parts) {
      var chars = Array.from(parts.join(""));
      var offset = first * meta.chunk;
      var from = Math.max(at - 40 - offset, hit.bodyStart - offset, 0), to = Math.min(at + 90 - offset, chars.length);
      var shifted = body.map(function (s) { return [s[0] - offset, s[1]]; });
      return (from + offset > hit.bodyStart ? "…" : "") + marked(chars, from, to, shifted) + (to < chars.length ? "…" : "");
    });
  }

  function titleHtml(hit) {
    var chars = Array.from(hit.title);
    return marked(chars, 0, chars.length, hit.spans.filter(function (s) { return s[0] < hit.titleLength; }));
  }

  function href(url) {
    return SITE + url.split("/").map(encodeURIComponent).join("/");
  }

  function show(box, query, result, shown) {
    var status = box.querySelector(".board-search__status");
    var list = box.querySelector(".board-search__results");
    var more = box.querySelector(".board-search__more");
    if (result.tooShort) {
      status.textContent = "请至少输入两个字再搜索。";
      list.innerHTML = ""; more.hidden = true; return Promise.resolve();
    }
    var page = result.hits.slice(shown, shown + PAGE_SIZE);
    return Promise.all(page.map(function (hit) { return excerpt(hit, result.meta); })).then(function (texts) {
      page.forEach(function (hit, i) {
        var li = document.createElement("li");
        li.className = "board-result" + (hit.expired ? " board-result--expired" : "");
        li.innerHTML = '<a class="board-result__link" href="' + href(hit.url) + '">' + titleHtml(hit) + "</a>" +
          '<div class="board-result__meta">' + (hit.expired ? '<span class="board-badge board-badge--expired">已过期</span> ' : "") +
          "<span>" + escapeHtml(hit.type) + '</span> <time datetime="' + escapeHtml(hit.date) + '">' + escapeHtml(hit.shownDate) + "</time></div>" +
          '<p class="board-result__excerpt">' + texts[i] + "</p>";
        list.appendChild(li);
      });
      status.textContent = result.hits.length  // announced once the results are on the page
        ? "找到 " + result.hits.length + " 篇包含“" + query + "”的文章。"
        : "没有找到包含“" + query + "”的文章。可以换个说法，或少写几个字再试。";
      var rest = result.hits.length - shown - page.length;
      more.hidden = rest <= 0;
      more.textContent = "再显示 " + Math.min(rest, PAGE_SIZE) + " 篇（还有 " + rest + " 篇）";
      more.onclick = function () { show(box, query, result, shown + PAGE_SIZE); };
    });
  }

  function run(box, query) {
    var status = box.querySelector(".board-search__status");
    box.querySelector(".board-search__results").innerHTML = "";
    if (!query.trim()) { status.textContent = ""; return; }
    status.textContent = "正在搜索……";
    search(query).then(function (result) { return show(box, query.trim(), result, 0); })
      .catch(function () { status.textContent = "搜索暂时不能用，请稍后再试。"; });
  }

  function start() {
    var box = document.querySelector("[data-board-search]");
    if (!box) return;
    var form = box.querySelector("form"), input = box.querySelector("input[name=q]");
    var query = new URLSearchParams(location.search).get("q") || "";
    input.value = query;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
      run(box, input.value);
    });
    if (query) run(box, query);
  }

  window.boardSearch = { search: search, normalise: normalise };  // for tests and benchmarks
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
