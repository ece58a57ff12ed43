/* Integration Radar, respondent pages: progressive enhancement only.
   Without this file every page works; with it, answers are saved as they change,
   conditional questions appear at once, and the personal link can be copied. */
(function () {
  "use strict";

  function setRevision(form, revision) {
    document.querySelectorAll("input[name=revision]").forEach(function (input) {
      input.value = String(revision);
    });
  }

  function showConflict(form, status) {
    status.textContent = "";
    var text = document.createElement("span");
    text.textContent = form.dataset.conflict + " ";
    var link = document.createElement("a");
    link.href = window.location.pathname;
    link.textContent = form.dataset.conflictLink;
    // Reloading shows the current answers but drops what was typed here; posting the page
    // (this button, or any of the form's own) is refused as stale and answered with a page
    // that lists everything sent, to copy into the reloaded page.
    var keep = document.createElement("button");
    keep.type = "button";
    keep.textContent = form.dataset.conflictKeep;
    keep.addEventListener("click", function () { form.submit(); });
    status.appendChild(text);
    status.appendChild(link);
    status.appendChild(document.createTextNode(" "));
    status.appendChild(keep);
    status.classList.add("conflict");
    status.setAttribute("role", "alert");
    form.dataset.stale = "true";
  }

  // The session ended (401) or this tab's token is another session's (403, the personal link
  // was opened again elsewhere): what was typed stays on this page, unsaved, and the message
  // says so. Once the personal link has been opened again, "save again" takes the new
  // session's token from this page's fresh copy and saves; the revision stays this page's,
  // so changes made meanwhile elsewhere still give a conflict rather than being overwritten.
  function showSessionEnded(form, status, save) {
    form.dataset.ended = "true";
    status.textContent = "";
    var text = document.createElement("span");
    text.textContent = form.dataset.sessionEnded + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = form.dataset.saveAgain;
    button.addEventListener("click", function () {
      refreshToken(form).then(function () {
        form.dataset.ended = "";
        status.classList.remove("conflict");
        save();
      }, function () {
        text.textContent = form.dataset.stillEnded + " ";
      });
    });
    status.appendChild(text);
    status.appendChild(button);
    status.classList.add("conflict");
    status.setAttribute("role", "alert");
  }

  function refreshToken(form) {
    return fetch(window.location.pathname, {
      credentials: "same-origin", headers: { "Accept": "text/html" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("session ended"); }
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html")
        .querySelector("input[name=csrf_token]");
      if (!fresh) { throw new Error("no token"); }
      document.querySelectorAll("input[name=csrf_token]").forEach(function (input) {
        input.value = fresh.value;
      });
    });
  }

  function updateVisibility(form, visible) {
    var shown = new Set(visible);
    form.querySelectorAll("[data-item]").forEach(function (element) {
      element.hidden = !shown.has(element.dataset.item);
    });
  }

  function setupAutosave(form) {
    var url = form.dataset.autosave;
    var status = document.getElementById("autosave-status");
    var counter = document.getElementById("answered-count");
    var pending = null;
    var again = false;
    var timer = null;

    function save() {
      if (form.dataset.stale === "true" || form.dataset.ended === "true") { return Promise.resolve(); }
      if (pending) { again = true; return pending; }
      var body = new FormData(form);
      var token = body.get("csrf_token");
      pending = fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRF-Token": token, "Accept": "application/json" }
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          // refusals are RFC 9457 problems: a type, and a detail in the reader's language
          if (data.type === "/problems/stale-revision") { showConflict(form, status); return; }
          if (data.type === "/problems/unauthorized" || data.type === "/problems/forbidden") {
            showSessionEnded(form, status, save);
            return;
          }
          if (data.type && data.detail) { status.textContent = data.detail; return; }
          if (data.session_ended) {  // saved after the idle limit: true, and said so
            if (data.revision) { setRevision(form, data.revision); }
            status.textContent = data.message;
            return;
          }
          if (data.status === "invalid") {
            if (data.revision) { setRevision(form, data.revision); }
            status.textContent = data.message;
            return;
          }
          if (data.revision) { setRevision(form, data.revision); }
          if (data.visible) { updateVisibility(form, data.visible); }
          if (data.progress_text && counter) { counter.textContent = data.progress_text; }
          status.textContent = response.ok ? form.dataset.saved : form.dataset.failed;
        });
      }).catch(function () {
        status.textContent = form.dataset.failed;
      }).then(function () {
        pending = null;
        if (again) { again = false; return save(); }
        if (!timer) { form.removeAttribute("aria-busy"); }
      });
      return pending;
    }

    function schedule(delay) {
      window.clearTimeout(timer);
      form.setAttribute("aria-busy", "true");
      timer = window.setTimeout(function () { timer = null; save(); }, delay);
    }

    form.addEventListener("change", function () { schedule(150); });
    form.addEventListener("input", function (event) {
      if (event.target.tagName === "TEXTAREA" || event.target.type === "text") { schedule(1200); }
    });
    form.addEventListener("submit", function (event) {
      if (form.dataset.stale === "true") { return; }  // posted: the answer lists what was sent
      if (form.dataset.ended === "true") {  // posting now would only be refused: say so again
        event.preventDefault();
        status.querySelector("button") && status.querySelector("button").focus();
        return;
      }
      window.clearTimeout(timer);
      timer = null;
      if (!pending) { return; }  // the form posts the same answers itself
      event.preventDefault();  // wait for the autosave in flight: it changes the revision
      var submitter = event.submitter;
      pending.then(function () {
        // a task, not a microtask: the browser ignores a submit while one is being fired
        window.setTimeout(function () { form.requestSubmit(submitter || undefined); }, 0);
      });
    });
  }

  function setupCopy(button) {
    var source = document.getElementById(button.dataset.copy);
    var status = button.parentElement.querySelector(".copy-status");
    if (!source || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(function () {
        if (status) { status.textContent = status.dataset.copied; }
      }, function () {
        source.select();
      });
    });
  }

  // An exclusive option ("none of these") and the other options of its question clear each other.
  function clearOthers(event) {
    var box = event.target;
    if (box.type !== "checkbox" || !box.checked) { return; }
    var group = box.form ? box.form.querySelectorAll('input[type="checkbox"]') : [];
    group.forEach(function (other) {
      if (other !== box && other.name === box.name &&
          (box.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive"))) {
        other.checked = false;
      }
    });
  }

  // What is left of a text's limit, counted as the server counts: the textarea's value has
  // "\n" line breaks, its length is in UTF-16 units (scoring.text_length), and blanks at
  // either end are dropped before counting, as before storing. Going over is
  // allowed (nothing is cut); the server refuses it with the text kept on the page.
  function setupCounter(counter) {
    var field = document.getElementById(counter.dataset.count);
    var max = parseInt(counter.dataset.max, 10);
    if (!field || !max) { return; }
    // one text per plural category of the interface's language (Polish: one, few, many, other)
    var plural = counter.dataset.plural || document.documentElement.lang || "en";
    var rules = window.Intl && Intl.PluralRules ? new Intl.PluralRules(plural) : null;
    var spoken = null;
    function phrase(kind, count) {
      var category = rules ? rules.select(count) : (count === 1 ? "one" : "other");
      var text = counter.dataset[kind + category.charAt(0).toUpperCase() + category.slice(1)];
      return (text || counter.dataset[kind + "Other"]).replace("{n}", count.toLocaleString(document.documentElement.lang || undefined));
    }
    function update() {
      var left = max - field.value.trim().length;  // blanks at either end are not kept
      counter.textContent = left >= 0 ? phrase("left", left) : phrase("over", -left);
      counter.classList.toggle("over", left < 0);
    }
    // the visible count follows each key; screen readers hear it once typing pauses
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    counter.parentNode.insertBefore(live, counter.nextSibling);
    field.addEventListener("input", function () {
      update();
      window.clearTimeout(spoken);
      spoken = window.setTimeout(function () { live.textContent = counter.textContent; }, 1000);
    });
    update();
  }

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(setupAutosave);
    document.querySelectorAll("button[data-copy]").forEach(setupCopy);
    document.querySelectorAll("[data-count]").forEach(setupCounter);
    document.addEventListener("change", clearOthers, true);
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
