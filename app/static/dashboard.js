/* Integration Radar, round dashboard: draws the heatmap and the spread per topic from the
   figure data embedded in non-executed JSON blocks ([data-plot]), with the locally served
   plotly.js; the radar is drawn by result.js. Without script, the tables under the charts
   show the same numbers. Charts are redrawn when the width changes and for printing. */
(function () {
  "use strict";

  var CONFIG = { displayModeBar: false, responsive: true };

  function setUp(target) {
    var source = document.getElementById(target.dataset.plot);
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    function draw() {
      var layout = JSON.parse(JSON.stringify(figure.layout));
      layout.width = target.clientWidth;
      window.Plotly.react(target, figure.data, layout, CONFIG).then(function () {
        target.dataset.drawn = "yes";
      });
    }
    target.classList.add("plot-drawn");
    draw();
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(draw, 150);
    });
    window.addEventListener("beforeprint", draw);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-plot]").forEach(setUp);
  });
})();
