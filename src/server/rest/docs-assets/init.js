// Starts Swagger UI on the OpenAPI document the page names (data-spec-url). A file of its own
// so that the page's Content-Security-Policy allows no inline script.
(function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: root.getAttribute('data-spec-url'),
    domNode: root,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    validatorUrl: 'none', // no badge fetched from the Swagger validator's site
    persistAuthorization: true,
    tryItOutEnabled: false,
  });
})();
