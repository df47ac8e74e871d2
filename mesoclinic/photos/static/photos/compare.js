// Comparison slider: the range input (keyboard: arrows, Home, End) moves the line between the
// before photo (left) and the after photo (right).
(function () {
  "use strict";
  var range = document.querySelector("[data-compare-slider-range]");
  var after = document.querySelector("[data-compare-slider-after]");
  if (!range || !after) { return; }
  function paint() {
    after.style.clipPath = "inset(0 0 0 " + Number(range.value) + "%)";
    range.setAttribute("aria-valuetext", range.value + "%");
  }
  range.addEventListener("input", paint);
  paint();
})();
