/* Integration Radar, a round's progress page: fetches the table alone (the same filters) every
   few seconds and swaps it in, so the counts stay current without reloading the page. A static
   file, since the CSP allows no inline script; without script the page and its filter form
   work as they are (reload to update). Pauses while the tab is hidden; a failed fetch leaves
   the table as it was and tries again next time. */
(function () {
  "use strict";

  var box = document.getElementById("progress-table");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-url");
  var seconds = parseInt(box.getAttribute("data-seconds"), 10) || 15;

  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (answer) {
        if (!answer.ok || answer.redirected) { throw new Error("not refreshed"); }
        return answer.text();
      })
      .then(function (html) {
        var parsed = new DOMParser().parseFromString(html, "text/html");
        var table = parsed.querySelector("table.progress");
        if (table) { box.replaceChildren(document.importNode(table, true)); }
      })
      .catch(function () { /* keep the table shown; the next round tries again */ });
  }

  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", refresh);
}());
