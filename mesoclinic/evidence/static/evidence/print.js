// The printable report's "Print" button (a file, not an inline handler: the site's CSP
// allows scripts from its own files only).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
}());
