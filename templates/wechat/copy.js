// The copy page's one script: "复制全文" puts the article on the clipboard as rich text (HTML, with
// plain text beside it), so a paste into the official account's editor keeps the layout. Where the
// Clipboard API is missing or refused, the article is selected and copied the old way.
(function () {
  var button = document.getElementById("wx-copy");
  var article = document.getElementById("wx-article");
  var status = document.getElementById("wx-status");
  function say(text) { status.textContent = text; }
  function selectAndCopy() {
    var range = document.createRange();
    range.selectNodeContents(article);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    say(copied ? "已复制。请到公众号编辑器的正文里粘贴（Ctrl+V）。"
               : "浏览器没有让自动复制：全文已经选中，请按 Ctrl+C（手机上点“复制”）。");
  }
  button.addEventListener("click", function () {
    var html = article.outerHTML;
    var text = article.innerText;
    if (navigator.clipboard && window.ClipboardItem) {
      var item = new ClipboardItem({
        "text/html": new Blob([html], { type: "text/html" }),
        "text/plain": new Blob([text], { type: "text/plain" })
      });
      navigator.clipboard.write([item]).then(function () {
        say("已复制。请到公众号编辑器的正文里粘贴（Ctrl+V）。");
      }, selectAndCopy);
    } else {
      selectAndCopy();
    }
  });
})();
