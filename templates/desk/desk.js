// The desk's form: check messages next to their fields while typing (the board's own checks, run by
// the server on the unsaved text), the body preview, tags as chips, picture upload. No inline script:
// the page's Content-Security-Policy allows only this file.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  token = token ? token.content : "";

  // a form that asks first: its <dialog> (the browser's own confirm() box would speak the browser's language)
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    var dialog = document.getElementById(form.dataset.confirm);
    var confirmed = false;
    form.addEventListener("submit", function (event) {
      if (confirmed) return;
      event.preventDefault();
      dialog.showModal();
    });
    dialog.addEventListener("click", function (event) {
      var answer = event.target.closest("button");
      if (!answer) return;
      dialog.close();
      if (answer.value === "yes") {
        confirmed = true;
        form.submit();
      }
    });
  });

  var form = document.getElementById("article");
  if (!form) return;
  var preview = document.getElementById("preview");
  var filesBase = new URL(form.dataset.files, window.location.href);
  var timer = null;
  var running = 0;

  function show(fields) {
    form.querySelectorAll(".field-msgs").forEach(function (box) { box.textContent = ""; });
    Object.keys(fields).forEach(function (name) {
      var box = document.getElementById("m-" + name) || document.getElementById("m-general");
      fields[name].forEach(function (m) {
        var p = document.createElement("p");
        p.className = "msg " + (m.level === "错误" ? "err" : "warn");
        p.dataset.code = m.code;
        p.textContent = m.level + "：" + m.text;
        box.appendChild(p);
      });
    });
  }

  function showPreview(html) {
    var doc = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html");
    doc.querySelectorAll("img[src]").forEach(function (img) {
      var src = img.getAttribute("src");
      if (!/^[a-z]+:|^\/\//i.test(src)) img.setAttribute("src", new URL(src, filesBase).href);
    });
    doc.querySelectorAll("script, iframe, object, embed").forEach(function (el) { el.remove(); });
    preview.replaceChildren.apply(preview, Array.from(doc.body.firstChild.childNodes));
  }

  function check() {
    var number = ++running;
    var data = new URLSearchParams(new FormData(form));
    fetch(form.dataset.check, { method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRF-Token": token } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (result) {
        if (!result || number !== running) return;
        show(result.fields);
        showPreview(result.html);
        form.dataset.checked = String(number);
      })
      .catch(function () {});
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 400);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);

  // tags as chips
  var chips = document.getElementById("chips");
  var tagInput = document.getElementById("tags_text");
  function addChip(text) {
    text = text.trim();
    if (!text) return;
    var exists = Array.from(chips.querySelectorAll('input[name="tags"]')).some(function (i) { return i.value === text; });
    if (exists) return;
    var li = document.createElement("li");
    li.className = "chip";
    var hidden = document.createElement("input");
    hidden.type = "hidden"; hidden.name = "tags"; hidden.value = text;
    var span = document.createElement("span");
    span.textContent = text;
    var x = document.createElement("button");
    x.type = "button"; x.className = "chip-x"; x.textContent = "×";
    x.setAttribute("aria-label", "删除标签 " + text);
    li.append(hidden, span, " ", x);
    chips.appendChild(li);
  }
  tagInput.addEventListener("keydown", function (event) {
    if (event.isComposing) return; // Chinese input method still choosing
    if (event.key === "Enter" || event.key === "," || event.key === "，") {
      event.preventDefault();
      tagInput.value.split(/[,，、;；]/).forEach(addChip);
      tagInput.value = "";
      later();
    }
  });
  chips.addEventListener("click", function (event) {
    if (event.target.classList.contains("chip-x")) {
      event.target.closest("li").remove();
      later();
      tagInput.focus();
    }
  });

  // picture upload: cleaned by the server, then a Markdown image line at the cursor
  var picture = document.getElementById("picture");
  var status = document.getElementById("upload-status");
  var body = document.getElementById("body");
  picture.addEventListener("change", function () {
    var file = picture.files[0];
    if (!file) return;
    status.textContent = "正在上传并处理图片……";
    fetch(form.dataset.upload, { method: "POST", body: file, credentials: "same-origin",
      headers: { "X-CSRF-Token": token, "X-File-Name": encodeURIComponent(file.name),
        "Content-Type": "application/octet-stream" } })
      .then(function (r) { return r.json(); })
      .then(function (result) {
        if (result.error) { status.textContent = "没有上传：" + result.error; return; }
        var line = "\n![图片说明](" + result.path + ")\n";
        var at = body.selectionStart || body.value.length;
        body.value = body.value.slice(0, at) + line + body.value.slice(at);
        status.textContent = "已上传：" + result.path + "（已去掉位置等隐私信息）。请把“图片说明”改成图片的内容。";
        var cover = document.createElement("button");
        cover.type = "button"; cover.textContent = "设为封面";
        cover.addEventListener("click", function () {
          document.getElementById("cover").value = result.path; later(); cover.remove();
        });
        status.append(" ", cover);
        picture.value = "";
        later();
      })
      .catch(function () { status.textContent = "上传失败，请再试一次。"; });
  });

  check();
})();
