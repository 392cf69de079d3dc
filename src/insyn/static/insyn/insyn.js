// insyn — small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // After an htmx swap, move focus to the new content's heading so screen readers follow along.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target) { return; }
    var heading = target.querySelector("[data-focus-after-swap], h1, h2");
    if (heading) {
      if (!heading.hasAttribute("tabindex")) { heading.setAttribute("tabindex", "-1"); }
      heading.focus();
    }
  });
})();
// A print button (data-print) appears only where JavaScript can press it.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
// Menu groups (<details>): one open at a time; a click elsewhere or Escape closes them.
(function () {
  "use strict";
  var groups = document.querySelectorAll(".main-nav details");
  if (!groups.length) { return; }
  function closeAll(except) {
    groups.forEach(function (g) { if (g !== except) { g.open = false; } });
  }
  groups.forEach(function (g) {
    g.addEventListener("toggle", function () { if (g.open) { closeAll(g); } });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".main-nav details")) { closeAll(null); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.querySelector(".main-nav details[open]");
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
})();
