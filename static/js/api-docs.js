// Starts Swagger UI on the API's OpenAPI document (the page names it in data-spec-url).
// A file of its own, not an inline script, so the Content-Security-Policy stays 'self' only.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
