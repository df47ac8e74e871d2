// The injection map's pointer and keyboard layer over the plain form (no inline script: CSP).
// A click or tap on the diagram, or Enter on its keyboard grid, fills the place form's
// "across" and "down" fields and submits it; Delete submits the remove form of this line's
// mark in the cursor's square. On the amendment page (data-append) a row is added to the
// marks text instead. Without this script the same forms work by typing the position.
(function () {
  "use strict";
  var SCALE = 1000;
  var KEY = "mesoclinic.injection-map.cursor";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  var editor = document.querySelector("[data-map-editor]");
  if (!editor) { return; }
  var svg = editor.querySelector("svg");
  var grid = parseInt(editor.dataset.grid, 10) || 20;
  var cell = SCALE / grid;
  var status = document.getElementById("map-cursor-status");
  var form = editor.dataset.form ? document.getElementById(editor.dataset.form) : null;
  var append = editor.dataset.append ? document.getElementById(editor.dataset.append) : null;
  var diagram = svg.dataset.diagram;

  var saved = null;
  try { saved = JSON.parse(window.sessionStorage.getItem(KEY) || "null"); } catch (e) { saved = null; }
  var col = saved && saved.diagram === diagram ? saved.col : Math.floor(grid / 2);
  var row = saved && saved.diagram === diagram ? saved.row : Math.floor(grid / 2);

  svg.setAttribute("tabindex", "0");
  svg.setAttribute("role", "application");
  svg.setAttribute("aria-label", editor.dataset.label || "");
  svg.setAttribute("aria-describedby", "map-keys map-cursor-status");
  var cursor = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  cursor.setAttribute("class", "map-cursor");
  cursor.setAttribute("width", String(cell));
  cursor.setAttribute("height", String(cell));
  svg.appendChild(cursor);

  function announce() {
    cursor.setAttribute("x", String(col * cell));
    cursor.setAttribute("y", String(row * cell));
    if (status) {
      status.textContent = (editor.dataset.cursorText || "")
        .replace("{column}", col + 1).replace("{columns}", grid)
        .replace("{row}", row + 1).replace("{rows}", grid);
    }
  }

  function remember(focused) {
    try {
      window.sessionStorage.setItem(KEY, JSON.stringify({ diagram: diagram, col: col, row: row, focused: focused }));
    } catch (e) { /* private mode: the cursor starts in the middle */ }
  }

  function place(x, y, focused) {
    x = Math.min(1, Math.max(0, x));
    y = Math.min(1, Math.max(0, y));
    if (append) {
      var text = diagram + " " + x.toFixed(3) + " " + y.toFixed(3) + " point";
      append.value = append.value.replace(/\s*$/, "") + (append.value.trim() ? "\n" : "") + text;
      return;
    }
    if (!form) { return; }
    form.querySelector("[name=x]").value = x.toFixed(3);
    form.querySelector("[name=y]").value = y.toFixed(3);
    var chosen = form.querySelector("[name=diagram]");
    if (chosen) { chosen.value = diagram; }
    remember(focused);
    form.requestSubmit();
  }

  function removeHere() {
    var left = col * cell, top = row * cell;
    var found = Array.prototype.find.call(document.querySelectorAll("form[data-map-x]"), function (f) {
      var x = parseInt(f.dataset.mapX, 10), y = parseInt(f.dataset.mapY, 10);
      return x >= left && x < left + cell && y >= top && y < top + cell;
    });
    if (found) {
      remember(true);
      found.requestSubmit();
    } else if (status) {
      status.textContent = editor.dataset.nothingText || "";
    }
  }

  svg.addEventListener("click", function (event) {
    var box = svg.getBoundingClientRect();
    var x = (event.clientX - box.left) / box.width, y = (event.clientY - box.top) / box.height;
    col = Math.min(grid - 1, Math.floor(x * grid));
    row = Math.min(grid - 1, Math.floor(y * grid));
    announce();
    place(x, y, false);
  });

  svg.addEventListener("keydown", function (event) {
    var moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (moves[event.key]) {
      col = Math.min(grid - 1, Math.max(0, col + moves[event.key][0]));
      row = Math.min(grid - 1, Math.max(0, row + moves[event.key][1]));
      announce();
      event.preventDefault();
    } else if (event.key === "Enter" || event.key === " ") {
      place((col + 0.5) / grid, (row + 0.5) / grid, true);
      event.preventDefault();
    } else if ((event.key === "Delete" || event.key === "Backspace") && !append) {
      removeHere();
      event.preventDefault();
    }
  });

  announce();
  if (saved && saved.diagram === diagram && saved.focused) { svg.focus(); }
  remember(false);
})();
