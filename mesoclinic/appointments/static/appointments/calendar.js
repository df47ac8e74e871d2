// The calendar by keyboard: arrow keys move between the grid's slots (the link or appointment
// in each cell), Enter opens it (a link's own behaviour). One focus stop per cell.
(function () {
  "use strict";
  document.querySelectorAll("[data-calendar]").forEach(function (table) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function target(r, c) {
      var row = rows[r];
      if (!row) { return null; }
      var cell = row.cells[c + 1];
      return cell ? cell.querySelector("a") : null;
    }
    table.addEventListener("keydown", function (event) {
      var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
      var move = moves[event.key];
      var cell = event.target.closest("td");
      if (!move || !cell) { return; }
      var r = rows.indexOf(cell.parentElement);
      var c = cell.cellIndex - 1;
      // Skip busy cells (no link) in the direction of travel.
      for (var step = 1; step < 48; step++) {
        var found = target(r + move[0] * step, c + move[1] * step);
        if (found) { found.focus(); event.preventDefault(); return; }
        if (r + move[0] * step < 0 || r + move[0] * step >= rows.length) { return; }
        if (c + move[1] * step < 0 || c + move[1] * step >= cell.parentElement.cells.length - 1) { return; }
      }
    });
  });
})();
