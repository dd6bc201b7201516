// Filters the error catalogue as you type: by code, title, meaning, HTTP status, origin or "retryable" (every word
// must match); each group's count shows how many of its codes are shown, and an empty group is hidden.
document.addEventListener("DOMContentLoaded", () => {
  const input = document.getElementById("error-filter");
  if (!input) return;
  const groups = [...document.querySelectorAll("section.error-group")];
  input.addEventListener("input", () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const group of groups) {
      let shown = 0;
      for (const entry of group.querySelectorAll("article.error-code")) {
        const text = entry.dataset.search ?? "";
        entry.hidden = !words.every((word) => text.includes(word));
        if (!entry.hidden) shown++;
      }
      const count = group.querySelector(".error-count");
      if (count) count.textContent = words.length === 0 ? count.dataset.total : `${shown} of ${count.dataset.total}`;
      group.hidden = shown === 0;
    }
  });
});
