// Photo capture: show the chosen or camera-taken picture under the baseline's ghost, so the
// pose and framing can be checked against the baseline before saving. The picture is read as
// a data: URL (the page's Content-Security-Policy allows data: images, not blob:).
(function () {
  "use strict";
  function setUp(slot) {
    var input = slot.querySelector("input[type=file]");
    var preview = slot.querySelector("[data-photo-preview]");
    var ghost = slot.querySelector("[data-photo-ghost]");
    var toggle = slot.querySelector("[data-photo-ghost-toggle]");
    var opacity = slot.querySelector("[data-photo-ghost-opacity]");
    function paintGhost() {
      if (!ghost) { return; }
      ghost.hidden = toggle ? !toggle.checked : false;
      ghost.style.opacity = opacity ? String(Number(opacity.value) / 100) : "0.5";
    }
    if (toggle) { toggle.addEventListener("change", paintGhost); }
    if (opacity) { opacity.addEventListener("input", paintGhost); }
    paintGhost();
    if (!input || !preview) { return; }
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) { preview.hidden = true; return; }
      var reader = new FileReader();
      reader.onload = function () {
        preview.src = String(reader.result);
        preview.hidden = false;
        if (ghost) { ghost.classList.add("over-preview"); }
      };
      reader.readAsDataURL(file);
    });
  }
  document.querySelectorAll("[data-photo-slot]").forEach(setUp);
})();
