// Searchable selects (forms.SearchSelectField): each <div data-combobox> holds a <select> with
// only the chosen option and a search box for use without JavaScript. This turns them into one
// text input with the ARIA combobox pattern (a list box of options fetched from data-source as
// the user types; arrows, Enter, Escape); the hidden <select> still carries the value.
(() => {
  const DELAY_MS = 200;

  function enhance(box) {
    const select = box.querySelector("select");
    const label = box.querySelector(`label[for="${select.id}"]`);
    const search = box.querySelector(".combobox-search");
    const blank = select.options[0];
    const input = document.createElement("input");
    const list = document.createElement("ul");
    const status = document.createElement("span");
    let active = -1;
    let timer = null;
    let request = null;

    input.type = "text";
    input.id = `${select.id}-combobox`;
    input.autocomplete = "off";
    input.placeholder = blank.text;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", `${select.id}-listbox`);
    for (const name of ["aria-invalid", "aria-describedby"]) {
      if (select.hasAttribute(name)) input.setAttribute(name, select.getAttribute(name));
    }
    label.id = label.id || `${select.id}-label`;
    label.htmlFor = input.id;
    list.id = `${select.id}-listbox`;
    list.className = "combobox-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-labelledby", label.id);
    list.hidden = true;
    status.className = "combobox-status";
    status.setAttribute("role", "status");
    select.hidden = true;
    select.tabIndex = -1;
    if (search) {
      search.hidden = true;
      search.querySelector("input").disabled = true;  // not sent: the select has the choice
    }
    select.after(input, list, status);

    const chosenText = () => (select.selectedIndex > 0 ? select.options[select.selectedIndex].text : "");
    const options = () => Array.from(list.querySelectorAll("[role=option]"));
    input.value = chosenText();

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function choose(value, text) {
      let option = Array.from(select.options).find((o) => o.value === String(value));
      if (!option) {
        option = new Option(text, value);
        select.add(option);
      }
      select.value = String(value);
      select.dispatchEvent(new Event("change", { bubbles: true }));
      input.value = value === blank.value ? "" : text;
      close();
    }

    function show(found) {
      list.replaceChildren(...found.map((item, i) => {
        const li = document.createElement("li");
        li.id = `${list.id}-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.value = item.value;
        li.textContent = item.label;
        return li;
      }));
      if (!found.length) {
        const li = document.createElement("li");
        li.className = "combobox-empty";
        li.textContent = box.dataset.empty;
        list.append(li);
      }
      status.textContent = box.dataset.countTemplate.replace("{n}", found.length);
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function fetchOptions() {
      if (request) request.abort();
      request = new AbortController();
      const url = `${box.dataset.source}?q=${encodeURIComponent(input.value.trim())}`;
      fetch(url, { signal: request.signal, headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : { options: [] }))
        .then((data) => { if (document.activeElement === input) show(data.options); })
        .catch((error) => { if (error.name !== "AbortError") close(); });
    }

    input.addEventListener("input", () => {
      if (!input.value.trim()) choose(blank.value, blank.text);
      clearTimeout(timer);
      timer = setTimeout(fetchOptions, DELAY_MS);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { fetchOptions(); return; }
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && !list.hidden) {
        event.preventDefault();  // pick, do not submit the form yet
        const option = options()[active];
        if (option) choose(option.dataset.value, option.textContent);
        else close();
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
        input.value = chosenText();
      }
    });
    input.addEventListener("blur", () => {
      close();
      if (!input.value.trim()) choose(blank.value, blank.text);
      else input.value = chosenText();  // only a picked option counts, not loose text
    });
    // mousedown, not click: the input must not lose focus (and close the list) first.
    list.addEventListener("mousedown", (event) => {
      const option = event.target.closest("[role=option]");
      event.preventDefault();
      if (option) choose(option.dataset.value, option.textContent);
    });
  }

  document.querySelectorAll("[data-combobox]").forEach(enhance);
})();
