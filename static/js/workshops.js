// Workshops: small enhancements; every page works without this file.
(() => {
  const form = document.querySelector(".attendance-form");
  if (form) {
    const rows = () => form.querySelectorAll(".att-row");
    const count = form.querySelector(".att-count");
    const updateCount = () => {
      if (!count) return;
      const total = rows().length;
      const marked = form.querySelectorAll(".att-row input[type=radio]:checked").length;
      count.textContent = count.dataset.countTemplate
        .replace("{marked}", marked).replace("{total}", total);
    };
    // "All present" ticks every row here, so exceptions can be changed before saving.
    const allPresent = form.querySelector("[data-all-present]");
    if (allPresent) {
      allPresent.addEventListener("click", (event) => {
        event.preventDefault();
        form.querySelectorAll(".att-present input[type=radio]").forEach((input) => {
          input.checked = true;
        });
        updateCount();
      });
    }
    form.addEventListener("change", updateCount);
  }
  document.querySelectorAll("[data-select-on-focus]").forEach((input) => {
    input.addEventListener("focus", () => input.select());
  });
})();
