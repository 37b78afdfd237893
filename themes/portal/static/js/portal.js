/* Progressive enhancement only: every page reads without JavaScript. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  /* The header's menus are <details>: they open and close without this. With it, one is open at a
     time (for browsers without <details name>), Esc closes it and returns to its button, a click
     elsewhere closes it, and the search box gets the focus when its menu opens. */
  var menus = Array.prototype.slice.call(document.querySelectorAll(".site-header details.menu"));
  function closeAll(except) {
    menus.forEach(function (m) { if (m !== except) { m.open = false; } });
  }
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (!menu.open) { return; }
      closeAll(menu);
      var input = menu.querySelector("input[type=search]");
      if (input && getComputedStyle(menu.querySelector("summary")).display !== "none") { input.focus(); }
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (m) { if (m.open && !m.contains(event.target)) { m.open = false; } });
  });
})();
