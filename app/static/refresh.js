/* Integration Radar, pages that keep a part of themselves current (a round's progress table, a
   background export's status box): every element with data-refresh-url is fetched again every
   data-refresh-seconds and swapped for the same part of the answer, data-refresh-part (a CSS
   selector; the element's own id: its children are swapped; anything else: that element
   replaces the children). A part that says data-finished="yes" stops its refreshing. A static
   file, since the CSP allows no inline script; without script the pages' reload links and
   forms do the same. Pauses while the tab is hidden; a failed fetch leaves the part as it was
   and tries again next time. */
(function () {
  "use strict";

  if (!window.fetch) { return; }

  function keepCurrent(box) {
    var url = box.getAttribute("data-refresh-url");
    var part = box.getAttribute("data-refresh-part") || ("#" + box.id);
    var seconds = parseInt(box.getAttribute("data-refresh-seconds"), 10) || 15;
    var timer = null;

    function imported(nodes) {
      return Array.prototype.map.call(nodes, function (node) {
        return document.importNode(node, true);
      });
    }

    function refresh() {
      if (document.hidden || box.getAttribute("data-finished") === "yes") { return; }
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (answer) {
          if (!answer.ok || answer.redirected) { throw new Error("not refreshed"); }
          return answer.text();
        })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(part);
          if (!fresh) { return; }
          if (fresh.id && fresh.id === box.id) {
            box.replaceChildren.apply(box, imported(fresh.childNodes));
          } else {
            box.replaceChildren(document.importNode(fresh, true));
          }
          if (fresh.getAttribute("data-finished") === "yes") {
            box.setAttribute("data-finished", "yes");
            window.clearInterval(timer);
          }
        })
        .catch(function () { /* keep the part shown; the next round tries again */ });
    }

    timer = window.setInterval(refresh, seconds * 1000);
    document.addEventListener("visibilitychange", refresh);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-refresh-url]"), keepCurrent);
}());
