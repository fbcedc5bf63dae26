// paperfeed: small enhancements only; every page works without this file.
"use strict";

// Upvote without a reload: the form posts as usual, we just stay on the page.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.matches("form.vote-form")) return;
  event.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.status === 401) {
      window.location.href = (await response.json()).signin;
      return;
    }
    if (!response.ok) throw new Error(`vote failed: ${response.status}`);
    const result = await response.json();
    button.setAttribute("aria-pressed", result.voted ? "true" : "false");
    button.querySelector(".count").textContent = result.upvotes;
  } catch (err) {
    form.submit(); // fall back to the plain form post
  } finally {
    button.disabled = false;
  }
});

// TeX in titles and abstracts, drawn by KaTeX served from this site.
function renderTex() {
  if (typeof window.renderMathInElement !== "function") return;
  document.querySelectorAll(".tex").forEach((el) => {
    window.renderMathInElement(el, {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "\\[", right: "\\]", display: true },
        { left: "$", right: "$", display: false },
        { left: "\\(", right: "\\)", display: false },
      ],
      throwOnError: false,
    });
  });
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", renderTex);
else renderTex();

// A digest comes at the reader's own hour: tell the form which time zone this browser is in.
document.querySelectorAll("input[data-timezone]").forEach((input) => {
  if (!input.value) {
    try { input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* UTC */ }
  }
});
