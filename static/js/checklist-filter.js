// A filter box above a long list of checkboxes (<fieldset data-checklist-filter>): typing hides
// the options whose label does not hold the text, ignoring case and accents. Ticked options
// always stay visible, and hidden ones are still submitted. Without JavaScript the whole list
// shows, as before.
(() => {
  const fold = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();

  function enhance(box) {
    const items = Array.from(box.querySelectorAll("li")).map((item) => ({
      item, checkbox: item.querySelector("input[type=checkbox]"), text: fold(item.textContent),
    }));
    const label = document.createElement("label");
    const input = document.createElement("input");
    const status = document.createElement("span");
    input.type = "search";
    input.id = `${box.id || "checklist"}-filter`;
    input.autocomplete = "off";
    input.maxLength = 100;
    label.className = "checklist-filter";
    label.htmlFor = input.id;
    label.append(box.dataset.filterLabel, input);
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    box.querySelector("legend").after(label, status);

    function apply() {
      const wanted = fold(input.value);
      let shown = 0;
      for (const { item, checkbox, text } of items) {
        item.hidden = Boolean(wanted) && !text.includes(wanted) && !checkbox.checked;
        if (!item.hidden) shown += 1;
      }
      status.textContent = wanted ? box.dataset.countTemplate.replace("{n}", shown) : "";
    }

    input.addEventListener("input", apply);
    // Enter in the filter would submit the whole form half-filled.
    input.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
  }

  document.querySelectorAll("[data-checklist-filter]").forEach(enhance);
})();
