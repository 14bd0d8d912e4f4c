/* The log form's Write / Preview tabs (WAI-ARIA tabs pattern, automatic activation).
   Without this script the tabs stay hidden and the form's own Preview button posts the form
   for a server-rendered preview; with it, the Preview tab asks for the same preview with
   HTMX (hx-post on the tab) and shows it in place. */
(function () {
  "use strict";

  function setUp(tablist) {
    var form = tablist.closest("form");
    var tabs = Array.prototype.slice.call(tablist.querySelectorAll('[role="tab"]'));
    var panels = tabs.map(function (tab) {
      var panel = document.getElementById(tab.getAttribute("aria-controls"));
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      return panel;
    });
    panels[1].setAttribute("tabindex", "0");

    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        var chosen = i === index;
        tab.setAttribute("aria-selected", chosen ? "true" : "false");
        tab.tabIndex = chosen ? 0 : -1;
        panels[i].hidden = !chosen;
      });
      if (focus) tabs[index].focus();
    }

    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () {
        if (index === 1) panels[1].setAttribute("aria-busy", "true");
        select(index, false);
      });
      tab.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowRight") next = (index + 1) % tabs.length;
        else if (event.key === "ArrowLeft") next = (index - 1 + tabs.length) % tabs.length;
        else if (event.key === "Home") next = 0;
        else if (event.key === "End") next = tabs.length - 1;
        if (next === null) return;
        event.preventDefault();
        tabs[next].focus();
        tabs[next].click();
      });
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target === panels[1]) panels[1].removeAttribute("aria-busy");
    });

    var button = form.querySelector("[data-log-preview-button]");
    if (button) button.hidden = true;
    tablist.hidden = false;
  }

  function start() {
    document.querySelectorAll("[data-log-tabs]").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
