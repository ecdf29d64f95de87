// Starts Swagger UI on /v4/docs from the settings the page carries (a file, not inline: the CSP allows no inline script).
(function () {
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  window.ui = SwaggerUIBundle(config);
})();
