// Progressive enhancement: keyboard triage and in-place form posts. Every page works without it.
(function () {
  "use strict";

  var TOGGLES = {
    read: { state: "read", values: ["read", "unread"], labels: ["Mark read", "Mark unread"] },
    pick: { state: "picked", values: ["pick", "unpick"], labels: ["Pick", "Unpick"] },
    star: { state: "starred", values: ["star", "unstar"], labels: ["Star", "Unstar"] }
  };
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

  function apply(container, state) {
    Object.keys(TOGGLES).forEach(function (name) {
      var toggle = TOGGLES[name];
      var on = Boolean(state[toggle.state]);
      own(container, 'button[data-toggle="' + name + '"]').forEach(function (button) {
        button.value = toggle.values[on ? 1 : 0];
        button.textContent = toggle.labels[on ? 1 : 0];
        button.setAttribute("aria-pressed", on ? "true" : "false");
      });
    });
    container.classList.toggle("is-read", Boolean(state.read));
    container.classList.toggle("is-picked", Boolean(state.picked));
    container.classList.toggle("is-starred", Boolean(state.starred));
    own(container, "details.note-form > summary").forEach(function (summary) {
      summary.textContent = state.note ? "Note" : "Add a note";
    });
  }

  function post(form, submitter) {
    var container = form.closest(ITEM);
    var body = new FormData(form, submitter);
    return fetch(form.getAttribute("action"), {
      method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (state) {
      if (container) apply(container, state);
      if (document.activeElement && document.activeElement.form === form && document.activeElement.type === "text") {
        document.activeElement.blur();
      }
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
    return target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  function press(key) {
    var container = active();
    if (!container) return;
    var button = own(container, 'button[data-key="' + key + '"]')[0];
    if (button) button.click();
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
        var box = document.getElementById("search-box");
        if (!box) return;
        box.focus();
        box.select();
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
  });
})();
