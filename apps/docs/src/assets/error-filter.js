// Filters the error catalogue as you type: by code, title, meaning, HTTP status or "retryable".
document.addEventListener("DOMContentLoaded", () => {
  const input = document.getElementById("error-filter");
  if (!input) return;
  const entries = [...document.querySelectorAll("article.error-code")];
  input.addEventListener("input", () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const entry of entries) {
      const text = entry.textContent.toLowerCase();
      entry.hidden = !words.every((word) => text.includes(word));
    }
  });
});
