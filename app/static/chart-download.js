/* Integration Radar, chart downloads: the "Download PNG" / "Download SVG" buttons under a
   chart ([data-chart-download] names the chart's element) save the drawn chart with the
   locally served plotly.js (Plotly.downloadImage: drawn in the page, no request leaves it),
   at the size it has on screen, named "<data-name>.<format>" (letters, digits and "-" only).
   The buttons stay hidden without script or plotly; the table under the chart has the same
   numbers. The chart's own mode bar stays off: these are ordinary, focusable buttons. */
(function () {
  "use strict";

  function fileName(box) {
    var name = (box.getAttribute("data-name") || "chart").normalize("NFKD");
    name = name.replace(/[^A-Za-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
    return name || "chart";
  }

  function setUp(box) {
    var target = document.getElementById(box.getAttribute("data-chart-download"));
    if (!target || !window.Plotly) { return; }
    box.querySelectorAll("button[data-format]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (!target._fullLayout) { return; } /* not drawn yet */
        window.Plotly.downloadImage(target, {
          format: button.getAttribute("data-format"),
          filename: fileName(box),
          width: target.clientWidth || 800,
          height: target.clientHeight || 600
        });
      });
    });
    box.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart-download]").forEach(setUp);
  });
})();
