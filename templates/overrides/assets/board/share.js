// The 分享 panel of an article page (templates/overrides/partials/board/share.html): a native
// <dialog> (focus kept inside, Esc closes), the short link copied with the Clipboard API or, where
// that is refused, selected and copied the old way.
(function () {
  var box = document.querySelector("[data-board-share]");
  if (!box || typeof HTMLDialogElement !== "function") return;
  var dialog = box.querySelector("dialog");
  var input = box.querySelector(".board-share__link");
  var status = box.querySelector(".board-share__status");
  var opener = box.querySelector(".board-share__open");
  if (!input.value) input.value = new URL(input.getAttribute("data-href"), location.href).href;
  box.hidden = false;
  opener.addEventListener("click", function () { status.textContent = ""; dialog.showModal(); });
  box.querySelector(".board-share__close").addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("close", function () { opener.focus(); });
  dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
  function fallback() {
    input.focus();
    input.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    status.textContent = copied ? "链接已复制，可以粘贴到微信里发给邻居。" : "链接已选中，请长按或按 Ctrl+C 复制。";
  }
  box.querySelector(".board-share__copy").addEventListener("click", function () {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(input.value).then(function () {
        status.textContent = "链接已复制，可以粘贴到微信里发给邻居。";
      }, fallback);
    } else {
      fallback();
    }
  });
})();
