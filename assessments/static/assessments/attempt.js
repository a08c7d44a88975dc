// The attempt page: autosave each answer, count down the server's time, confirm
// before handing in. Without JavaScript the page is a plain form that works.
(function () {
  "use strict";

  var form = document.getElementById("attempt-form");
  if (!form) return;

  var seqInput = form.querySelector('input[name="seq"]');
  var csrf = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
  var data = form.dataset;
  var queue = Promise.resolve();
  var handingIn = false;
  var closed = false;

  function fieldset(position) {
    return form.querySelector('fieldset[data-position="' + position + '"]');
  }

  function answerOf(set) {
    var type = set.dataset.type;
    var position = set.dataset.position;
    if (type === "single" || type === "truefalse") {
      var picked = set.querySelector('input[name="q' + position + '"]:checked');
      return picked ? [picked.value] : [];
    }
    if (type === "multiple") {
      return Array.prototype.map.call(
        set.querySelectorAll('input[name="q' + position + '"]:checked'),
        function (input) { return input.value; }
      );
    }
    if (type === "fill") {
      return Array.prototype.map.call(
        set.querySelectorAll('input[type="text"]'),
        function (input) { return input.value; }
      );
    }
    var text = set.querySelector('[name="q' + position + '"]');
    return text ? text.value : "";
  }

  function answered(set) {
    var answer = answerOf(set);
    if (Array.isArray(answer)) {
      return answer.some(function (value) { return String(value).trim() !== ""; });
    }
    return String(answer).trim() !== "";
  }

  function say(set, text, isError) {
    var state = set.querySelector(".quiz-save-state");
    if (!state) return;
    state.textContent = text;
    state.classList.toggle("error", !!isError);
  }

  function reloadSoon() {
    closed = true;
    window.setTimeout(function () { window.location.reload(); }, 1500);
  }

  function save(set) {
    if (closed || handingIn) return;
    var position = Number(set.dataset.position);
    say(set, data.msgSaving);
    // One request at a time: each carries the seq the previous one returned.
    queue = queue.then(function () {
      if (closed || handingIn) return;
      return fetch(data.answerUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({
          position: position,
          answer: answerOf(set),
          seq: Number(seqInput.value)
        })
      }).then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) {
            seqInput.value = body.seq;
            say(set, data.msgSaved);
          } else if (response.status === 409 && body.error === "closed") {
            closed = true;
            say(set, body.message, true);
            window.setTimeout(function () { window.location.href = data.reviewUrl; }, 1500);
          } else if (response.status === 409) {
            say(set, data.msgStale, true);
            reloadSoon();
          } else {
            say(set, body.message || data.msgFailed, true);
          }
        });
      }).catch(function () {
        say(set, data.msgFailed, true);
      });
    });
  }

  var timers = {};
  form.addEventListener("change", function (event) {
    var set = event.target.closest("fieldset[data-position]");
    if (!set) return;
    window.clearTimeout(timers[set.dataset.position]);
    save(set);
  });
  form.addEventListener("input", function (event) {
    if (event.target.type !== "text" && event.target.tagName !== "TEXTAREA") return;
    var set = event.target.closest("fieldset[data-position]");
    if (!set) return;
    window.clearTimeout(timers[set.dataset.position]);
    timers[set.dataset.position] = window.setTimeout(function () { save(set); }, 1500);
  });

  // Confirmation listing the questions without an answer.
  var confirmBox = document.getElementById("quiz-confirm");
  var plain = document.getElementById("quiz-plain-confirm");
  var handIn = document.getElementById("quiz-hand-in");
  var list = document.getElementById("quiz-unanswered");
  if (plain) {
    plain.hidden = true;
    var box = plain.querySelector('input[name="confirm"]');
    if (box) { box.required = false; box.checked = true; }
  }

  function handInNow() {
    handingIn = true;
    handIn.disabled = true;
    // Let a save in flight finish so that the form carries the latest seq.
    queue.then(function () { form.submit(); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (handingIn) return;
    var missing = Array.prototype.filter.call(
      form.querySelectorAll("fieldset[data-position]"),
      function (set) { return !answered(set); }
    ).map(function (set) {
      return data.msgQuestion.replace("%(number)s", set.dataset.position);
    });
    list.textContent = missing.length
      ? list.dataset.some.replace("%(list)s", missing.join("、"))
      : list.dataset.none;
    confirmBox.hidden = false;
    handIn.hidden = true;
    confirmBox.scrollIntoView({ block: "center" });
  });
  document.getElementById("quiz-confirm-yes").addEventListener("click", handInNow);
  document.getElementById("quiz-confirm-no").addEventListener("click", function () {
    confirmBox.hidden = true;
    handIn.hidden = false;
  });

  // The countdown: the server said how many seconds were left when it sent the
  // page; the phone's own clock is never trusted for the deadline.
  var timer = document.getElementById("quiz-timer");
  if (timer) {
    var value = timer.querySelector(".quiz-timer-value");
    var ends = performance.now() + Number(timer.dataset.remaining) * 1000;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var tick = function () {
      var left = Math.max(0, Math.round((ends - performance.now()) / 1000));
      var h = Math.floor(left / 3600);
      var m = Math.floor((left % 3600) / 60);
      var s = left % 60;
      value.textContent = (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(s);
      timer.classList.toggle("quiz-timer-low", left <= 60);
      if (left === 0) {
        window.clearInterval(interval);
        if (!handingIn && !closed) {
          value.textContent = data.msgTimeup;
          handInNow();
        }
      }
    };
    var interval = window.setInterval(tick, 1000);
    tick();
  }
})();
