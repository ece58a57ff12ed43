/* Integration Radar, result page: draws the radar chart from the figure data embedded in a
   non-executed JSON block, with the locally served plotly.js. Without script, the table
   next to the chart shows the same numbers. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-figure]").forEach(function (target) {
      var source = document.getElementById(target.dataset.figure);
      if (!source || !window.Plotly) { return; }
      var figure = JSON.parse(source.textContent);
      if (target.clientWidth < 560) {  // phones: room for the topic names around the radar
        figure.layout.margin = { l: 88, r: 88, t: 48, b: 16 };
        figure.layout.polar.angularaxis.tickfont = { size: 9 };
        figure.layout.font.size = 10;
      }
      target.classList.add("chart-drawn");
      window.Plotly.newPlot(target, figure.data, figure.layout, {
        displayModeBar: false,
        responsive: true
      });
    });
    document.querySelectorAll("button[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
