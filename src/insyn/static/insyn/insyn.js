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
