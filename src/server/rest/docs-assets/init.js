// Starts Swagger UI on the OpenAPI document the page names (data-spec-url). A file of its own
// so that the page's Content-Security-Policy allows no inline script.
(function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: root.getAttribute('data-spec-url'),
    domNode: root,
    deepLinking: false, // its anchors would sit inside each operation's toggle button
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    validatorUrl: 'none', // no badge fetched from the Swagger validator's site
    persistAuthorization: true,
    tryItOutEnabled: false,
    syntaxHighlight: { activated: false }, // its themes colour code below 4.5:1 contrast
  });
})();
