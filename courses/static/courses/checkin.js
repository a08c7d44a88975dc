// The organiser's check-in screen: fetch the current code every few seconds,
// redraw the QR code and tick whoever has checked in. No library, no network
// beyond our own server.
(function () {
  "use strict";
  var root = document.querySelector("[data-checkin-present]");
  if (!root || !window.fetch) return;
  var url = root.getAttribute("data-code-url");
  var every = (parseInt(root.getAttribute("data-refresh"), 10) || 5) * 1000;
  var qr = root.querySelector("[data-qr]");
  var codeText = root.querySelector("[data-code]");
  var count = root.querySelector("[data-attended-count]");
  var stale = root.querySelector("[data-stale]");
  var lastCode = codeText ? codeText.textContent : "";

  function apply(data) {
    if (data.code !== lastCode) {
      qr.innerHTML = data.svg; // our own SVG, made on the server
      codeText.textContent = data.code;
      lastCode = data.code;
    }
    if (count) count.textContent = String(data.attended_count);
    (data.attended || []).forEach(function (id) {
      var box = root.querySelector('input[data-user="' + id + '"]');
      if (box && !box.disabled) {
        box.checked = true;
        box.disabled = true;
      }
    });
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        apply(data);
        if (stale) stale.hidden = true;
      })
      .catch(function () {
        if (stale) stale.hidden = false;
      })
      .then(function () {
        window.setTimeout(refresh, every);
      });
  }

  window.setTimeout(refresh, every);
})();
