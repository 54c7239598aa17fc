// While a formation run is searching, refresh its status in place; reload when it ends.
(function () {
  "use strict";
  var status = document.getElementById("run-status");
  if (!status) { return; }
  function poll() {
    fetch(window.location.href, { headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("run-status");
        if (!next || next.dataset.active !== "yes") { window.location.reload(); return; }
        status.replaceWith(next);
        status = next;
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
