// Progressive enhancement: keyboard triage and in-place form posts. Every page works without it.
(function () {
  "use strict";

  var TOGGLES = {
    read: { state: "read", values: ["read", "unread"], labels: ["Mark read", "Mark unread"] },
    pick: { state: "picked", values: ["pick", "unpick"], labels: ["Pick", "Unpick"] },
    star: { state: "starred", values: ["star", "unstar"], labels: ["Star", "Unstar"] },
    promo: { state: "promo", values: ["promo", "notpromo"], labels: ["Mark as promotion", "Clear promotion mark"] }
  };
  var CLASSES = { read: "is-read", pick: "is-picked", star: "is-starred" };
  var ITEM = "li.entry, article.entry-full";
  var current = null;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("ol[data-list] > li.entry"));
  }

  function page() {
    return document.querySelector("article.entry-full");
  }

  function own(container, selector) {
    // Elements of this entry only, not of the roundup items nested inside an entry page.
    return Array.prototype.filter.call(container.querySelectorAll(selector), function (element) {
      return element.closest(ITEM) === container;
    });
  }

  function select(row, focus) {
    if (!row) return;
    if (current) current.classList.remove("is-selected");
    current = row;
    row.classList.add("is-selected");
    if (focus) {
      var link = row.querySelector("a.title");
      if (link) link.focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
    }
  }

  function move(step) {
    var entryPage = page();
    if (entryPage) {
      var target = entryPage.dataset[step > 0 ? "older" : "newer"];
      if (target) window.location.assign(target);
      return;
    }
    var list = rows();
    if (!list.length) return;
    var index = list.indexOf(current);
    select(list[Math.max(0, Math.min(list.length - 1, index + step))], true);
  }

  function active() {
    return page() || current;
  }

  function show(container, name, on) {
    var toggle = TOGGLES[name];
    own(container, 'button[data-toggle="' + name + '"]').forEach(function (button) {
      button.value = toggle.values[on ? 1 : 0];
      button.textContent = toggle.labels[on ? 1 : 0];
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    if (CLASSES[name]) container.classList.toggle(CLASSES[name], on);
  }

  function apply(container, state) {
    Object.keys(TOGGLES).forEach(function (name) {
      show(container, name, Boolean(state[TOGGLES[name].state]));
    });
    own(container, "details.note-form > summary").forEach(function (summary) {
      summary.textContent = state.note ? "Note" : "Add a note";
    });
  }

  function send(form, body) {
    return fetch(form.getAttribute("action"), {
      method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  // One entry's posts go one after another, so the server applies them in the order they were asked for;
  // a toggle shows the state last asked for at once, and the next press asks for the opposite of that
  // (the button carries the explicit target, "read" or "unread", never "toggle").
  function post(form, submitter) {
    var container = form.closest(ITEM) || form;
    var body = new FormData(form, submitter);
    var name = submitter && submitter.dataset.toggle;
    if (name && TOGGLES[name]) show(container, name, submitter.value === TOGGLES[name].values[0]);
    container.pending = (container.pending || 0) + 1;
    var queued = (container.queue || Promise.resolve()).then(function () { return send(form, body); });
    container.queue = queued.catch(function () {});
    return queued.then(function (state) {
      container.pending -= 1;
      if (!container.pending && form.closest(ITEM)) apply(container, state);  // the last answer is the truth
      if (document.activeElement && document.activeElement.form === form && document.activeElement.type === "text") {
        document.activeElement.blur();
      }
    }, function (error) {
      container.pending -= 1;
      throw error;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.plain || !form.matches("form.triage, details.note-form form")) return;
    event.preventDefault();
    var submitter = event.submitter;
    post(form, submitter).catch(function () {
      // Let the server answer the plain way: it shows what went wrong.
      form.dataset.plain = "1";
      form.requestSubmit(submitter || undefined);
    });
  });

  function typing(target) {
    return target.closest && target.closest("input:not([type=checkbox]), textarea, select, [contenteditable]");
  }

  function press(key) {
    var container = active();
    if (!container) return;
    var button = own(container, 'button[data-key="' + key + '"]')[0];
    if (button) button.click();
  }

  function pressPage(key) {
    var button = document.querySelector('form:not(.triage):not(.upto) button[data-key="' + key + '"]');
    if (button) button.click();
  }

  function toggleKeys() {
    var dialog = document.getElementById("keys");
    if (!dialog) return;
    if (dialog.open) dialog.close(); else dialog.showModal();
  }

  function selectBox(container) {
    return container && own(container, "input.select")[0];
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    var container = active();
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "o":
        if (container && container.dataset.url) window.open(container.dataset.url, "_blank", "noopener,noreferrer");
        break;
      case "r": press("r"); break;
      case "R": press("R"); break;
      case "u": press("u"); break;
      case "x":
        var box = selectBox(container);
        if (!box) return;
        box.checked = !box.checked;
        container.classList.toggle("is-checked", box.checked);
        break;
      case "M":
        if (!document.querySelector("input.select:checked")) {
          var mine = selectBox(container);
          if (mine) mine.checked = true;  // nothing ticked: the selected entry is the selection
        }
        pressPage("M");
        break;
      case "A": pressPage("A"); break;
      case "z": pressPage("z"); break;
      case "v":
        var other = document.getElementById("toggle-view");
        if (!other) return;
        window.location.assign(other.href);
        break;
      case "?": toggleKeys(); break;
      case "p": press("p"); break;
      case "s": press("s"); break;
      case "n":
        if (!container) return;
        var details = own(container, "details.note-form")[0];
        if (!details) return;
        details.open = true;
        details.querySelector('input[name="text"]').focus();
        break;
      case "/":
        var search = document.getElementById("search-box");
        if (!search) return;
        search.focus();
        search.select();
        break;
      case "Enter":
        if (current && !page() && event.target === document.body) window.location.assign(current.querySelector("a.title").href);
        return;
      default:
        return;
    }
    event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var list = rows();
    var wanted = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (!page()) select(list.indexOf(wanted) >= 0 ? wanted : list[0], false);  // an entry page acts on its entry
    Array.prototype.forEach.call(document.querySelectorAll("form.filters select"), function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    list.forEach(function (row) {
      row.addEventListener("click", function () { select(row, false); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("input.select"), function (box) {
      box.addEventListener("change", function () { box.closest(ITEM).classList.toggle("is-checked", box.checked); });
    });
  });
})();
