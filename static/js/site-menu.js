/* The header's Menu disclosure (a <details>): open on wide screens, where its button is
   hidden and the links sit in the bar; closed on a phone until she opens it. Loaded right
   after the menu (not deferred), so a wide screen never shows it closed. Escape closes an
   open menu on a phone and puts the focus back on its button. Signing out forgets the
   text this browser kept for unsent forms (static/js/drafts.js). */
(function () {
  "use strict";

  var menu = document.querySelector("[data-site-menu]");
  if (!menu) return;
  var wide = window.matchMedia("(min-width: 60rem)");

  function fit() { menu.open = wide.matches; }
  fit();
  if (wide.addEventListener) wide.addEventListener("change", fit);

  menu.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || wide.matches || !menu.open) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
  document.addEventListener("click", function (event) {
    if (!wide.matches && menu.open && !menu.contains(event.target)) menu.open = false;
  });

  var signOut = menu.querySelector("[data-sign-out]");
  if (signOut) {
    signOut.addEventListener("submit", function () {
      try {
        Object.keys(window.localStorage)
          .filter(function (key) { return key.indexOf("sbs-draft:") === 0; })
          .forEach(function (key) { window.localStorage.removeItem(key); });
      } catch (e) { /* storage switched off: nothing kept */ }
    });
  }
})();
