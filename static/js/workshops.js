// Workshops: small enhancements; every page works without this file.
(() => {
  // Compare names as people type them: no case, no accents ("huaman" finds "Huamán").
  const fold = (text) => text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();

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

    // Unsaved marks: the page may have come with some (data-unsaved), marks kept on this
    // device may wait to be sent (data-unsent, attendance-offline.js), or a radio now differs
    // from what the page came with. Saving or sending is the way out without a warning.
    const changed = () => form.hasAttribute("data-unsaved") || form.hasAttribute("data-unsent") || Array.from(
      form.querySelectorAll(".att-row input[type=radio]")).some((input) => input.checked !== input.defaultChecked);
    let leaving = false;
    form.addEventListener("submit", () => { leaving = true; });
    window.addEventListener("beforeunload", (event) => {
      if (leaving || !changed()) return;
      event.preventDefault();
      event.returnValue = "";
    });

    // "All present" ticks every row here, as the server does without JavaScript: exceptions
    // are changed, then saved.
    const allPresent = form.querySelector("[data-all-present]");
    const notice = form.querySelector("[data-all-present-notice]");
    if (allPresent) {
      allPresent.addEventListener("click", (event) => {
        event.preventDefault();
        form.querySelectorAll(".att-present input[type=radio]").forEach((input) => {
          input.checked = true;
        });
        if (notice) notice.hidden = false;
        updateCount();
      });
    }

    // The search hides the rows it does not find as the user types; hidden rows keep their
    // marks and are saved with the others.
    const search = form.querySelector("[data-roster-search]");
    const empty = form.querySelector("[data-search-empty]");
    if (search) {
      const filter = () => {
        const words = fold(search.value).split(/\s+/).filter(Boolean);
        let shown = 0;
        rows().forEach((row) => {
          const text = fold(row.querySelector("legend").textContent);
          row.hidden = !words.every((word) => text.includes(word));
          if (!row.hidden) shown += 1;
        });
        if (empty) empty.hidden = shown > 0;
      };
      search.addEventListener("input", filter);
      const button = form.querySelector("button[name=search]");
      if (button) button.addEventListener("click", (event) => { event.preventDefault(); filter(); });
    }
    form.addEventListener("change", updateCount);
  }

  // The scheduling form asks for the conflicts of its current values whenever the date,
  // times, venue or speakers change, and shows them above the form before saving.
  const scheduling = document.querySelector("form.workshop-form[data-conflicts-url]");
  const found = document.getElementById("conflicts");
  if (scheduling && found) {
    const status = scheduling.querySelector("[data-conflicts-status]");
    const watched = ["venue_id", "day", "start_time", "end_time", "speaker_ids"];
    let timer = null;
    let pending = null;
    const showSummary = () => {
      const summary = found.querySelector("[data-summary]");
      if (status) status.textContent = summary ? summary.dataset.summary : "";
    };
    const check = async () => {
      const values = new FormData(scheduling);
      const query = new URLSearchParams();
      watched.forEach((name) => values.getAll(name).forEach((value) => query.append(name, value)));
      if (pending) pending.abort();
      pending = new AbortController();
      try {
        const response = await fetch(`${scheduling.dataset.conflictsUrl}?${query}`,
          { signal: pending.signal, headers: { Accept: "text/html" } });
        if (!response.ok) return;
        found.innerHTML = await response.text();
        showSummary();
      } catch (error) {
        if (error.name !== "AbortError") throw error;
      }
    };
    scheduling.addEventListener("change", (event) => {
      if (!watched.includes(event.target.name)) return;
      clearTimeout(timer);
      timer = setTimeout(check, 250);
    });
    showSummary();
  }

  document.querySelectorAll("[data-select-on-focus]").forEach((input) => {
    input.addEventListener("focus", () => input.select());
  });
})();
