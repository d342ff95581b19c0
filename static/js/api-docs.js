// The API docs page: Swagger UI (vendored) reads the OpenAPI document named by the page.
"use strict";

// Swagger UI draws its own <main> and <h1>; inside our page they would be a second main
// landmark and a second top heading, so they become a labelled region and a level-2 heading.
function fitIntoPage(root) {
  const operations = root.querySelector("main");
  if (operations) {
    operations.setAttribute("role", "region");
    operations.setAttribute("aria-label", root.dataset.operationsLabel);
  }
  root.querySelectorAll(".info h1").forEach((title) => {
    title.setAttribute("role", "heading");
    title.setAttribute("aria-level", "2");
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("api-docs");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  // Swagger UI draws (and redraws, as sections open) after its own callbacks have run: each
  // change is fitted as it lands, before anything else can read the page.
  new MutationObserver(() => fitIntoPage(root)).observe(root, { childList: true, subtree: true });
  window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: false,
    validatorUrl: null,
  });
});
