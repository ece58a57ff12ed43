/* Integration Radar: starts Swagger UI on /api/v1/docs. A file, not an inline script, so that
   the page works under the app's Content-Security-Policy (script-src 'self'). */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: true,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    validatorUrl: null // the default asks a validator on another host for a badge
  });
})();
