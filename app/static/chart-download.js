/* Integration Radar, chart downloads: the "Download PNG" / "Download SVG" buttons under a
   chart ([data-chart-download] names the chart's element) save the drawn chart at the size it
   has on screen, named "<data-name>.<format>" (letters, digits and "-" only). The SVG comes
   from the locally served plotly.js (Plotly.toImage); the PNG is that SVG drawn on a canvas
   here, from a data: URL, because plotly's own PNG path loads a blob: image, which the CSP
   (img-src 'self' data:) blocks. Nothing leaves the page. The buttons stay hidden without
   script or plotly; the table under the chart has the same numbers. The chart's own mode bar
   stays off: these are ordinary, focusable buttons. */
(function () {
  "use strict";

  var PNG_SCALE = 2;  /* pixels per CSS pixel: sharp on slides and in print */

  function fileName(box) {
    var name = (box.getAttribute("data-name") || "chart").normalize("NFKD");
    name = name.replace(/[^A-Za-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
    return name || "chart";
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function png(svg, width, height, name) {
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = width * PNG_SCALE;
      canvas.height = height * PNG_SCALE;
      var context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) { if (blob) { save(blob, name); } }, "image/png");
    };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
  }

  function download(target, format, name) {
    if (!target._fullLayout) { return; } /* not drawn yet */
    var width = target.clientWidth || 800;
    var height = target.clientHeight || 600;
    window.Plotly.toImage(target, { format: "svg", width: width, height: height, imageDataOnly: true })
      .then(function (svg) {
        if (format === "svg") {
          save(new Blob([svg], { type: "image/svg+xml" }), name + ".svg");
        } else {
          png(svg, width, height, name + ".png");
        }
      });
  }

  function setUp(box) {
    var target = document.getElementById(box.getAttribute("data-chart-download"));
    if (!target || !window.Plotly) { return; }
    box.querySelectorAll("button[data-format]").forEach(function (button) {
      button.addEventListener("click", function () {
        download(target, button.getAttribute("data-format"), fileName(box));
      });
    });
    box.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart-download]").forEach(setUp);
  });
})();
