/* Integration Radar, a background export's page: fetches the page again every few seconds and
   swaps in its status box (progress, then the download button), until the export is done or
   failed. A static file, since the CSP allows no inline script; without script the page's
   reload link does the same. Pauses while the tab is hidden; a failed fetch leaves the box as
   it was and tries again next time. */
(function () {
  "use strict";

  var box = document.getElementById("export-job");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-url");
  var seconds = parseInt(box.getAttribute("data-seconds"), 10) || 3;
  var timer = null;

  function refresh() {
    if (document.hidden || box.getAttribute("data-finished") === "yes") { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (answer) {
        if (!answer.ok || answer.redirected) { throw new Error("not refreshed"); }
        return answer.text();
      })
      .then(function (html) {
        var parsed = new DOMParser().parseFromString(html, "text/html");
        var fresh = parsed.getElementById("export-job");
        if (!fresh) { return; }
        box.replaceChildren.apply(box, Array.prototype.map.call(fresh.childNodes, function (node) {
          return document.importNode(node, true);
        }));
        box.setAttribute("data-finished", fresh.getAttribute("data-finished"));
        if (box.getAttribute("data-finished") === "yes" && timer !== null) {
          window.clearInterval(timer);
        }
      })
      .catch(function () { /* keep the box shown; the next round tries again */ });
  }

  timer = window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", refresh);
}());
