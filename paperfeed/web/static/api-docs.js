// Draws the API reference from /openapi.json (Swagger UI, served from this site).
window.addEventListener("DOMContentLoaded", () => {
  if (!window.SwaggerUIBundle) return;
  // No deep links: Swagger UI draws them as links inside the operation buttons (nested controls, axe-core).
  window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: false });
});
