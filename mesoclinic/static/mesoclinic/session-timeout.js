// The warning before an idle sign-out (clinics/session_timeout.py decides; this only warns).
//
// Shortly before the clinic's idle period runs out, the page asks the server how long the
// sign-in has left (asking is not activity). Typing or clicking on the page since the last
// request counts as activity: the page then tells the server so ("keep-alive") instead of
// warning. Otherwise a banner counts down with a "Stay signed in" button, so that nobody loses
// a half-filled form; at the end the page reloads and the server shows the sign-in page.
(function () {
  "use strict";
  var box = document.getElementById("session-timeout");
  if (!box) { return; }
  var idleSeconds = Number(box.dataset.idleSeconds);
  var warningSeconds = Number(box.dataset.warningSeconds);
  var timeLeftUrl = box.dataset.timeLeftUrl;
  var keepAliveUrl = box.dataset.keepAliveUrl;
  var csrfToken = box.dataset.csrfToken;
  var stay = box.querySelector("[data-session-stay]");
  var idleText = box.querySelector("[data-session-idle]");
  var finalText = box.querySelector("[data-session-final]");
  var timer = null;
  var ticker = null;
  var deadline = 0;
  // When the server last saw activity from this page, as far as the page knows.
  var lastActivitySent = Date.now();
  var lastInteraction = 0;
  var returnFocus = null;

  function schedule(seconds, fn) {
    clearTimeout(timer);
    timer = setTimeout(fn, Math.max(0, seconds) * 1000);
  }

  function format(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }

  function tick() {
    var text = format((deadline - Date.now()) / 1000);
    box.querySelectorAll("[data-session-countdown]").forEach(function (el) { el.textContent = text; });
  }

  function hide() {
    clearInterval(ticker);
    ticker = null;
    if (!box.hidden) {
      box.hidden = true;
      if (returnFocus && document.contains(returnFocus)) { returnFocus.focus(); }
    }
  }

  function show(seconds, extendable) {
    deadline = Date.now() + seconds * 1000;
    idleText.hidden = !extendable;
    finalText.hidden = extendable;
    stay.hidden = !extendable;
    tick();
    if (!ticker) { ticker = setInterval(tick, 1000); }
    if (box.hidden) {
      returnFocus = document.activeElement;
      box.hidden = false;
      if (extendable) { stay.focus(); }
    }
  }

  function expire() {
    hide();
    // A plain GET of this page: the server signs out and answers with the sign-in page.
    window.location.assign(window.location.pathname + window.location.search);
  }

  function answer(response) {
    if (response.status === 401) { return { signed_in: false }; }
    if (!response.ok) { throw new Error("session status " + response.status); }
    return response.json();
  }

  function act(data) {
    if (!data.signed_in || data.remaining_seconds <= 0) { expire(); return; }
    var left = data.remaining_seconds;
    var lead = data.warning_seconds;
    if (left > lead) {
      hide();
      schedule(left - lead, check);
    } else {
      show(left, data.extendable);
      schedule(left + 0.5, check);
    }
  }

  function retry() { schedule(10, check); }

  function keepAlive() {
    fetch(keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken, "Accept": "application/json" }
    }).then(answer).then(function (data) {
      lastActivitySent = Date.now();
      act(data);
    }).catch(retry);
  }

  function check() {
    if (lastInteraction > lastActivitySent) { keepAlive(); return; }
    fetch(timeLeftUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(answer).then(act).catch(retry);
  }

  function noteInteraction(event) {
    if (box.contains(event.target)) { return; }
    lastInteraction = Date.now();
    // Someone typing or clicking while the banner shows is plainly here.
    if (!box.hidden) { keepAlive(); }
  }

  stay.addEventListener("click", keepAlive);
  ["keydown", "input", "pointerdown"].forEach(function (name) {
    document.addEventListener(name, noteInteraction, { capture: true, passive: true });
  });
  // An htmx request (a live search, a line added) is activity the server has already seen.
  document.body.addEventListener("htmx:afterRequest", function () {
    lastActivitySent = Date.now();
    hide();
    schedule(idleSeconds - warningSeconds, check);
  });
  schedule(idleSeconds - warningSeconds, check);
}());
