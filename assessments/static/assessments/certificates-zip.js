// Polls the ZIP's progress every 2 seconds until it is ready or failed.
(function () {
  "use strict";
  var box = document.getElementById("cert-zip");
  if (!box) return;
  var status = box.dataset.status;
  if (status === "done" || status === "failed") return;
  function poll() {
    fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        document.getElementById("cert-zip-progress").value = data.percent;
        var count = document.getElementById("cert-zip-count");
        count.textContent = count.textContent.replace(/\d+(\D+)\d+/, data.done + "$1" + data.total);
        if (data.status === "done") {
          document.getElementById("cert-zip-ready").hidden = false;
        } else if (data.status === "failed") {
          document.getElementById("cert-zip-failed").hidden = false;
        } else {
          setTimeout(poll, 2000);
        }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
