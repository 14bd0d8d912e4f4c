/* Drafts of the log and response forms (a form with data-draft-key and data-draft-url).
   - A local copy: every change is kept in this browser's localStorage, under her user id
     and the form's key, so a dropped network or an ended session loses nothing.
   - Every 20 seconds, when the text has changed since the last save, the form's hidden
     [data-draft-save] element is triggered and HTMX posts the text to the server, which
     keeps it as her draft; the answer ("Draft saved at 14:03") shows beside the buttons.
     A 401 (the session ended) says the text is kept in the browser until she signs in.
   - When the form opens with its text fields empty, the newer of the local copy and the
     server's draft is put back, with a note and a button to discard it.
   - A form that was sent and did not come back (she moved on to another page, not the
     sign-in page) forgets both copies; so does a response posted with HTMX.
   Signing out forgets every local copy (static/js/site-menu.js). */
(function () {
  "use strict";

  var EVERY_MS = 20000;
  var PREFIX = "sbs-draft:";
  var SENT = "sbs-draft-sent";

  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  function fieldsOf(form) {
    var out = {};
    form.querySelectorAll("textarea[name], input[type=text][name]").forEach(function (el) {
      out[el.name] = el.value;
    });
    return out;
  }
  function isEmpty(fields) {
    return Object.keys(fields).every(function (k) { return !fields[k].trim(); });
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function forget(form, storageKey) {
    var s = store();
    if (s) s.removeItem(storageKey);
    fetch(form.getAttribute("data-draft-url"), {
      method: "DELETE", credentials: "same-origin", headers: { "X-CSRFToken": csrf() }
    }).catch(function () { /* offline: the server's copy is replaced next time */ });
  }

  function restore(form, storageKey, status) {
    var s = store();
    var local = null;
    try { local = s && JSON.parse(s.getItem(storageKey) || "null"); } catch (e) { local = null; }
    fetch(form.getAttribute("data-draft-url"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { fields: null }; })
      .catch(function () { return { fields: null }; })
      .then(function (server) {
        var chosen = local;
        if (server.fields && (!local || server.saved_at > local.saved_at)) chosen = server;
        if (!chosen || !chosen.fields || isEmpty(chosen.fields)) return;
        if (!isEmpty(fieldsOf(form)) || same(chosen.fields, fieldsOf(form))) return;
        Object.keys(chosen.fields).forEach(function (name) {
          var el = form.querySelector('[name="' + name + '"]');
          if (el && (el.tagName === "TEXTAREA" || el.type === "text")) el.value = chosen.fields[name];
        });
        status.textContent = "Your unsent text is back, as you left it. ";
        var discard = document.createElement("button");
        discard.type = "button";
        discard.className = "link-button";
        discard.textContent = "Discard it";
        discard.addEventListener("click", function () {
          Object.keys(chosen.fields).forEach(function (name) {
            var el = form.querySelector('[name="' + name + '"]');
            if (el && (el.tagName === "TEXTAREA" || el.type === "text")) el.value = "";
          });
          forget(form, storageKey);
          status.textContent = "Discarded.";
        });
        status.appendChild(discard);
      });
  }

  function setUp(form) {
    var user = document.body.getAttribute("data-user") || "";
    var key = form.getAttribute("data-draft-key");
    var storageKey = PREFIX + user + ":" + key;
    var saver = form.querySelector("[data-draft-save]");
    var status = form.querySelector("[data-draft-status]");
    var lastSaved = JSON.stringify(fieldsOf(form));

    restore(form, storageKey, status);
    form.addEventListener("input", function () {
      var s = store();
      if (s) {
        var copy = { fields: fieldsOf(form), saved_at: new Date().toISOString() };
        try { s.setItem(storageKey, JSON.stringify(copy)); } catch (e) { /* full: skip */ }
      }
    });
    window.setInterval(function () {
      var now = JSON.stringify(fieldsOf(form));
      if (now === lastSaved || !saver || !window.htmx) return;
      lastSaved = now;
      window.htmx.trigger(saver, "draft-due");
    }, EVERY_MS);
    if (saver) {
      saver.addEventListener("htmx:responseError", function (event) {
        lastSaved = "";  // try again at the next tick
        status.textContent = event.detail.xhr.status === 401
          ? event.detail.xhr.responseText
          : "Not saved to the server just now: your text is kept in this browser.";
      });
      saver.addEventListener("htmx:sendError", function () {
        lastSaved = "";
        status.textContent = "Offline: your text is kept in this browser and saved when you are back.";
      });
    }
    form.addEventListener("submit", function () {
      try { window.sessionStorage.setItem(SENT, JSON.stringify({ key: storageKey, url: form.getAttribute("data-draft-url") })); } catch (e) { /* no storage */ }
    });
    form.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail.xhr;
      if (event.detail.elt === form && event.detail.successful && !xhr.getResponseHeader("HX-Retarget")) {
        forget(form, storageKey);
        try { window.sessionStorage.removeItem(SENT); } catch (e) { /* no storage */ }
      }
    });
  }

  /* The form she sent last did not come back: it went through. */
  function settleSent() {
    var sent = null;
    try { sent = JSON.parse(window.sessionStorage.getItem(SENT) || "null"); } catch (e) { return; }
    if (!sent || window.location.pathname.indexOf("/accounts/") === 0) return;
    var back = document.querySelector('form[data-draft-url="' + sent.url + '"]');
    window.sessionStorage.removeItem(SENT);
    if (back) return;
    var s = store();
    if (s) s.removeItem(sent.key);
    fetch(sent.url, {
      method: "DELETE", credentials: "same-origin",
      headers: { "X-CSRFToken": csrf() }
    }).catch(function () { /* offline */ });
  }

  function scan(root) {
    root.querySelectorAll("form[data-draft-key]:not([data-draft-ready])").forEach(function (form) {
      form.setAttribute("data-draft-ready", "");
      setUp(form);
    });
  }

  /* On a shared computer: once someone else signs in, the copies kept for anyone else go
     (a signed-out page keeps them: the one whose session ended signs in again to them). */
  function forgetOthers() {
    var user = document.body.getAttribute("data-user");
    var s = store();
    if (!user || !s) return;
    for (var i = s.length - 1; i >= 0; i--) {
      var k = s.key(i);
      if (k && k.indexOf(PREFIX) === 0 && k.indexOf(PREFIX + user + ":") !== 0) s.removeItem(k);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { forgetOthers(); settleSent(); scan(document); });
  document.addEventListener("htmx:afterSettle", function (event) { scan(event.target); });
})();
