// Live camera under the baseline's ghost (photo capture page). "Use camera" shows the tablet's
// rear camera in the slot's frame with the baseline of the same view drawn over it, so the
// pose and framing can be lined up before the photo is taken. "Take photo" draws the frame to
// a canvas, makes a JPEG of it and puts that file into the slot's own file input: the form is
// then saved as any chosen file is (decoded and re-encoded on the server, metadata dropped,
// consent checked, audited). There is no second way in. The camera is stopped as soon as the
// photo is taken, the camera is closed, another slot's camera starts or the page is left.
// Where the browser has no camera access (no HTTPS, an old browser) or it is refused, the
// file input stays as it always was, and a message says so. Texts come from the page
// ([data-camera-texts]), translated there.
(function () {
  "use strict";
  var texts = document.querySelector("[data-camera-texts]");
  if (!texts) { return; }  // no photo consent, or no views: no camera either
  var supported = Boolean(
    window.isSecureContext && navigator.mediaDevices && navigator.mediaDevices.getUserMedia
  );
  var active = null;  // the slot whose camera is on

  function say(slot, key) {
    var status = slot.querySelector("[data-camera-status]");
    if (status) { status.textContent = key ? texts.getAttribute("data-" + key) || "" : ""; }
  }

  function setUp(slot) {
    var start = slot.querySelector("[data-camera-start]");
    var take = slot.querySelector("[data-camera-take]");
    var close = slot.querySelector("[data-camera-stop]");
    var video = slot.querySelector("[data-camera-video]");
    var frame = slot.querySelector("[data-photo-frame]");
    var preview = slot.querySelector("[data-photo-preview]");
    var ghost = slot.querySelector("[data-photo-ghost]");
    var input = slot.querySelector("input[type=file]");
    var save = slot.querySelector("form [type=submit]");
    if (!start || !take || !close || !video || !frame || !input) { return; }
    var stream = null;
    var previewWasShown = false;

    function showButtons(live) {
      start.hidden = live;
      take.hidden = !live;
      close.hidden = !live;
    }

    function stop() {
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
      stream = null;
      video.srcObject = null;
      video.hidden = true;
      frame.classList.remove("live");
      slot.classList.remove("camera-on");
      if (preview && previewWasShown) { preview.hidden = false; }
      if (active === controller) { active = null; }
      showButtons(false);
    }

    function refused(error) {
      var name = error && error.name;
      if (name === "NotAllowedError" || name === "SecurityError") { return "refused"; }
      if (name === "NotFoundError" || name === "OverconstrainedError") { return "missing"; }
      return "failed";
    }

    function begin() {
      if (active && active !== controller) { active.stop(); }
      say(slot, "");
      start.disabled = true;
      navigator.mediaDevices.getUserMedia({
        audio: false,
        // The rear camera where there is one (a preference: a desktop's only camera will do),
        // at a photo's resolution rather than the browser's small default.
        video: { facingMode: { ideal: "environment" }, width: { ideal: 1920 }, height: { ideal: 1440 } }
      }).then(function (got) {
        start.disabled = false;
        stream = got;
        active = controller;
        // The ghost over the live picture is the baseline itself, read through the audited
        // private image address (the page holds only its thumbnail).
        if (ghost && ghost.getAttribute("data-ghost-src") && !ghost.hasAttribute("data-full")) {
          var thumbnail = ghost.src;
          ghost.setAttribute("data-full", "");
          ghost.addEventListener("error", function () { ghost.src = thumbnail; }, { once: true });
          ghost.src = ghost.getAttribute("data-ghost-src");
        }
        previewWasShown = Boolean(preview && !preview.hidden);
        if (preview) { preview.hidden = true; }
        video.srcObject = got;
        video.hidden = false;
        frame.classList.add("live");
        slot.classList.add("camera-on");
        showButtons(true);
        take.focus();
        return video.play();
      }).catch(function (error) {
        start.disabled = false;
        stop();
        say(slot, refused(error));
      });
    }

    function capture() {
      if (!stream || !video.videoWidth) { return; }
      var canvas = document.createElement("canvas");
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      // Only the camera's picture: the ghost is never part of the photo.
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      stop();
      canvas.toBlob(function (blob) {
        if (!blob) { say(slot, "failed"); return; }
        try {
          var file = new File([blob], "camera.jpg", { type: "image/jpeg" });
          var transfer = new DataTransfer();
          transfer.items.add(file);
          input.files = transfer.files;
        } catch (error) {
          say(slot, "unattached");
          return;
        }
        // capture.js shows the file under the ghost, as for a chosen file.
        input.dispatchEvent(new Event("change", { bubbles: true }));
        say(slot, "taken");
        if (save) { save.focus(); } else { start.focus(); }
      }, "image/jpeg", 0.92);
    }

    var controller = { stop: stop };
    start.addEventListener("click", begin);
    take.addEventListener("click", capture);
    close.addEventListener("click", function () { stop(); start.focus(); });
    // Escape anywhere in the slot closes its camera, as the Close camera button does.
    slot.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && stream) { stop(); start.focus(); }
    });
    if (input.form) { input.form.addEventListener("submit", stop); }
    start.hidden = false;
  }

  if (!supported) {
    texts.textContent = texts.getAttribute("data-unavailable");
    texts.hidden = false;
    return;
  }
  document.querySelectorAll("[data-photo-slot]").forEach(setUp);
  // Leaving the page (or hiding it: another app, the tablet's lock) turns the camera off.
  window.addEventListener("pagehide", function () { if (active) { active.stop(); } });
  document.addEventListener("visibilitychange", function () {
    if (document.hidden && active) { active.stop(); }
  });
})();
