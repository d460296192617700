// board serve: reload this page when the preview has been rebuilt (the server counts its builds).
(function () {
  var me = document.currentScript;
  var shown = me ? me.getAttribute("data-version") : null;
  function poll() {
    fetch("/_board/version", {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (shown !== null && String(data.version) !== shown) { location.reload(); return; }
        setTimeout(poll, 250);
      })
      .catch(function () { setTimeout(poll, 2000); });  // the server is restarting or stopped
  }
  setTimeout(poll, 250);
})();
