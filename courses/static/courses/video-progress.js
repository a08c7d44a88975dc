/* Reports how far a worker has watched a lesson video (no CDN, no framework).
 *
 * Only continuous playback counts: seeking ahead does not move the furthest
 * point, so skipping to the end does not complete a lesson. The server keeps
 * the furthest share it was told, caps it at 100 % and completes the lesson at
 * 90 %; it never takes a completion back.
 */
(function () {
  "use strict";

  var tokenTag = document.querySelector('meta[name="csrf-token"]');
  var token = tokenTag ? tokenTag.getAttribute("content") : "";
  var status = document.getElementById("lesson-video-status");

  function track(video) {
    var url = video.getAttribute("data-progress-url");
    var furthest = 0;
    var last = 0;
    var sentPercent = -1;
    var finished = false;

    function percent() {
      if (!isFinite(video.duration) || video.duration <= 0) return 0;
      return Math.min(100, (100 * furthest) / video.duration);
    }

    function send(force) {
      if (finished || !isFinite(video.duration) || video.duration <= 0) return;
      var now = percent();
      if (!force && now - sentPercent < 5) return;
      sentPercent = now;
      var body = new URLSearchParams();
      body.set("position", furthest.toFixed(1));
      body.set("duration", video.duration.toFixed(1));
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: { "X-CSRFToken": token },
        body: body,
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data && data.completed && !finished) {
            finished = true;
            if (status) status.textContent = status.getAttribute("data-done");
          }
        })
        .catch(function () {
          /* Offline for a moment: the next report carries the same position. */
        });
    }

    video.addEventListener("timeupdate", function () {
      var t = video.currentTime;
      if (t >= last && t - last < 3 && last <= furthest + 1 && t > furthest) {
        furthest = t;
      }
      last = t;
      send(false);
    });
    video.addEventListener("seeked", function () {
      last = video.currentTime;
    });
    video.addEventListener("pause", function () {
      send(true);
    });
    video.addEventListener("ended", function () {
      send(true);
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") send(true);
    });
  }

  var videos = document.querySelectorAll("video[data-progress-url]");
  for (var i = 0; i < videos.length; i++) track(videos[i]);
})();
