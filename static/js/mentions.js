/* @mention suggestions. In a form with data-mentions-url, typing "@" and the start of a
   name in a textarea asks that URL (the circle's members only, at most eight) and lists the
   matches under it: Up and Down choose, Enter or Tab (or a click) writes "@Name ", Escape
   closes. Without this script the name is simply typed out in full.
   A form with data-mentions-check-url also asks that URL, a moment after she stops typing,
   which @names would stay plain text ("@Sam matches two people — pick one") and shows the
   answer under the field, in a polite live region. */
(function () {
  "use strict";

  var TRIGGER = /(^|[^\w@])@([^@\n]{0,40})$/;
  var counter = 0;

  function csrf(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function checkNames(form, area, checkUrl) {
    var note = document.createElement("div");
    counter += 1;
    note.id = "mention-check-" + counter;
    note.className = "mention-check";
    note.setAttribute("aria-live", "polite");
    area.parentNode.insertBefore(note, area.nextSibling);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
    var timer = null;
    var asked = "";
    function ask() {
      var text = area.value;
      if (text === asked) return;
      asked = text;
      if (text.indexOf("@") === -1) { note.innerHTML = ""; return; }
      var body = new FormData();
      body.append("text", text);
      fetch(checkUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "HX-Request": "true", "X-CSRFToken": csrf(form) }
      }).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
        if (html !== null && area.value === text) note.innerHTML = html;
      }).catch(function () { /* offline: the names are checked again on the next change */ });
    }
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 700);
    });
    area.addEventListener("blur", ask);
  }

  function setUp(form) {
    var url = form.getAttribute("data-mentions-url");
    var checkUrl = form.getAttribute("data-mentions-check-url");
    form.querySelectorAll("textarea").forEach(function (area) {
      if (checkUrl) checkNames(form, area, checkUrl);
      counter += 1;
      var box = document.createElement("div");
      box.id = "mention-box-" + counter;
      box.className = "mention-box";
      box.hidden = true;
      area.insertAdjacentElement("afterend", box);
      area.setAttribute("aria-autocomplete", "list");
      area.setAttribute("aria-controls", box.id);
      wire(area, box, url);
    });
  }

  function wire(area, box, url) {
    var pending = null;
    var query = null;

    function options() {
      return Array.prototype.slice.call(box.querySelectorAll('[role="option"]'));
    }
    function close() {
      box.hidden = true;
      box.innerHTML = "";
      area.removeAttribute("aria-activedescendant");
      query = null;
    }
    function mark(index) {
      var all = options();
      all.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
      if (all[index]) area.setAttribute("aria-activedescendant", all[index].id);
    }
    function current() {
      return options().findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
    }
    function choose(option) {
      var before = area.value.slice(0, area.selectionStart);
      var after = area.value.slice(area.selectionStart);
      var match = TRIGGER.exec(before);
      if (!match) return close();
      var start = before.length - match[2].length;
      var name = option.getAttribute("data-name") + " ";
      area.value = before.slice(0, start) + name + after;
      area.selectionStart = area.selectionEnd = start + name.length;
      close();
      area.focus();
    }
    function ask(q) {
      if (q === query) return;
      query = q;
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(q), {
        headers: { "HX-Request": "true" }, credentials: "same-origin", signal: pending.signal
      }).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
        box.innerHTML = html;
        box.hidden = options().length === 0;
        if (!box.hidden) mark(0);
      }).catch(function () { /* a newer question replaced it */ });
    }

    area.addEventListener("input", function () {
      var match = TRIGGER.exec(area.value.slice(0, area.selectionStart));
      if (match) ask(match[2]); else close();
    });
    area.addEventListener("keydown", function (event) {
      if (box.hidden) return;
      var all = options();
      var at = current();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        mark((at + step + all.length) % all.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && all[at]) {
        event.preventDefault();
        choose(all[at]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    area.addEventListener("blur", function () { setTimeout(close, 200); });
    box.addEventListener("mousedown", function (event) {
      var option = event.target.closest('[role="option"]');
      if (option) { event.preventDefault(); choose(option); }
    });
  }

  function scan(root) {
    root.querySelectorAll("form[data-mentions-url]:not([data-mentions-ready])").forEach(function (form) {
      form.setAttribute("data-mentions-ready", "");
      setUp(form);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:afterSettle", function (event) { scan(event.target); });
})();
