// Draws the API reference from /openapi.json (Swagger UI, served from this site).
window.addEventListener("DOMContentLoaded", () => {
  if (!window.SwaggerUIBundle) return;
  window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
