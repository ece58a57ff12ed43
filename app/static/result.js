/* Integration Radar, result page: draws the radar chart from the figure data embedded in a
   non-executed JSON block, with the locally served plotly.js. Without script, the table
   next to the chart shows the same numbers.

   Layout rule (docs/architecture.md, "Chart and table layout"): the margins are measured,
   not guessed: after drawing, each side grows by how far the topic labels reach past the
   chart's box, until every label lies inside it. A wide chart labels its axes with the
   topics' numbers and titles; when that leaves the radar less than half the chart's width,
   or two labels overlap, or the chart is narrower than NARROW, the axes show the numbers
   alone (the table beside the chart gives each number's title). It is drawn again when the
   width changes and for printing. */
(function () {
  "use strict";

  var NARROW = 560;  /* px: below this width, numbers only */
  var GAP = 6;       /* px between a label and the chart's edge */
  var CONFIG = { displayModeBar: false, responsive: false };

  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  function labels(target) {
    return Array.prototype.slice.call(target.querySelectorAll(".angularaxistick text"));
  }

  /* How far the labels reach past the chart's box on each side (negative: room left). */
  function overflow(target) {
    var box = target.getBoundingClientRect();
    var over = { l: -Infinity, r: -Infinity, t: -Infinity, b: -Infinity };
    labels(target).forEach(function (label) {
      var r = label.getBoundingClientRect();
      over.l = Math.max(over.l, box.left - r.left);
      over.r = Math.max(over.r, r.right - box.right);
      over.t = Math.max(over.t, box.top - r.top);
      over.b = Math.max(over.b, r.bottom - box.bottom);
    });
    return over;
  }

  function overlapping(target) {
    var boxes = labels(target).map(function (label) { return label.getBoundingClientRect(); });
    for (var i = 0; i < boxes.length; i += 1) {
      for (var j = i + 1; j < boxes.length; j += 1) {
        var a = boxes[i], b = boxes[j];
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
          return true;
        }
      }
    }
    return false;
  }

  /* The radar's diameter: its outer circle (plotly's "angular-line" layer). */
  function radarWidth(target) {
    var circle = target.querySelector(".polarsublayer.angular-line path");
    return circle ? circle.getBoundingClientRect().width : 0;
  }

  /* Grow or shrink each margin by the labels' overflow, a few times (each pass moves the
     labels inwards as the radar shrinks, so it settles within two or three). */
  function fit(target, layout, passes, current) {
    if (!current()) { return Promise.resolve(); }
    var over = overflow(target);
    if (!isFinite(over.l)) { return Promise.resolve(); }
    var side = Math.max(over.l, over.r);
    var m = layout.margin;
    var next = {
      l: Math.max(GAP, Math.ceil(m.l + side + GAP)),
      r: Math.max(GAP, Math.ceil(m.r + side + GAP)),
      t: Math.max(GAP, Math.ceil(m.t + over.t + GAP)),
      b: Math.max(GAP, Math.ceil(m.b + over.b + GAP))
    };
    var settled = ["l", "r", "t", "b"].every(function (k) { return Math.abs(next[k] - m[k]) < 2; });
    if (settled || passes <= 0) { return Promise.resolve(); }
    layout.margin = next;
    return window.Plotly.relayout(target, { margin: next }).then(function () {
      return fit(target, layout, passes - 1, current);
    });
  }

  function numbersOnly(layout) {
    var axis = layout.polar.angularaxis;
    axis.ticktext = axis.tickvals.slice();
    axis.tickfont = { size: 13 };
    layout.polar.radialaxis.tickfont = { size: 9 };
  }

  /* current(): false once a newer drawing (another width, printing) has started */
  function draw(target, figure, numbers, current) {
    var layout = copy(figure.layout);
    var narrow = numbers || target.clientWidth < NARROW;
    if (narrow) { numbersOnly(layout); }
    layout.margin = { l: GAP, r: GAP, t: GAP, b: GAP };
    /* the box's size, given: react() would keep the size of the first drawing */
    layout.width = target.clientWidth;
    layout.height = target.clientHeight;
    target.dataset.labels = narrow ? "numbers" : "titles";
    return window.Plotly.react(target, figure.data, layout, CONFIG).then(function () {
      return fit(target, layout, 4, current);
    }).then(function () {
      if (!current()) { return false; }
      var cramped = radarWidth(target) < target.clientWidth / 2 || overlapping(target);
      if (!narrow && cramped) { return draw(target, figure, true, current); }
      return current();
    });
  }

  function setUp(target) {
    var source = document.getElementById(target.dataset.figure);
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    var size = "";
    var generation = 0;
    /* data-drawn names the size the chart was last drawn and fitted for ("" while drawing) */
    function redraw() {
      var now = target.clientWidth + "x" + target.clientHeight;
      if (now === size) { return; }
      size = now;
      generation += 1;
      var mine = generation;
      var current = function () { return mine === generation; };
      target.dataset.drawn = "";
      draw(target, figure, false, current).then(function (done) {
        if (done) { target.dataset.drawn = now; }
      });
    }
    target.classList.add("chart-drawn");
    document.querySelectorAll(".chart-key").forEach(function (key) { key.hidden = false; });
    redraw();
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(redraw, 150);
    });
    var print = window.matchMedia("print");
    var onPrint = function () { redraw(); };
    if (print.addEventListener) { print.addEventListener("change", onPrint); }
    window.addEventListener("beforeprint", onPrint);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-figure]").forEach(setUp);
    document.querySelectorAll("button[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
