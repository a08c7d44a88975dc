// Polls the export's status and moves the progress bar; without JS the page
// refreshes itself (meta refresh) and shows the same.
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var link = box.querySelector(".export-download");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        bar.value = state.percent;
        if (state.status === "pending" || state.status === "running") {
          window.setTimeout(poll, 1500);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  var state = box.dataset.state;
  if (state === "pending" || state === "running") { window.setTimeout(poll, 1500); }
})();
