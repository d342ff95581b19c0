// Attendance that survives a dead connection. Every mark, online or not, is kept in the
// browser (IndexedDB) in a batch with its own id, then sent to the API; a batch is sent again
// with the same id until the server answers 200, and the server applies an id once. The page
// itself is kept by the service worker (/sw.js) so that it opens again offline.
//
// What is kept holds ids, statuses and times only: the names are in the page, as shown.
// Without this file (no JavaScript, no IndexedDB) the form posts to the server as before.
(() => {
  const form = document.querySelector(".attendance-form[data-batches-url]");
  const state = document.querySelector("[data-sync-state]");
  if (!form || !state || !window.indexedDB || !window.crypto || !crypto.randomUUID) return;

  const workshopId = Number(form.dataset.workshopId);
  // Batches are the marker's own: on a shared phone, someone else logged in later neither
  // sees nor sends them (the server would take them as theirs).
  const userId = Number(form.dataset.userId);
  const notice = form.querySelector("[data-all-present-notice]");
  const WAIT_MS = 1500; // after the last mark before sending, so a burst goes as one batch
  const RETRY_MS = 30000; // after a failure the network or the server may cure

  // IndexedDB: "batches" (pending, by batch_id) and "sent" (marks the server took, kept so
  // that the page, opened again offline from an older copy, still shows them).
  const opened = new Promise((resolve, reject) => {
    const request = indexedDB.open("yag-attendance", 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("batches", { keyPath: "batch_id" }).createIndex("workshop", "workshop_id");
      db.createObjectStore("sent", { keyPath: ["workshop_id", "entry_id"] }).createIndex("workshop", "workshop_id");
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const done = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  // Run `work` in one transaction over `stores`; resolve with its result once committed.
  const inTransaction = async (stores, work) => {
    const db = await opened;
    const transaction = db.transaction(stores, "readwrite");
    const result = await work((name) => transaction.objectStore(name));
    await new Promise((resolve, reject) => {
      transaction.oncomplete = resolve;
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
    return result;
  };
  const ofWorkshop = (store) => done(store.index("workshop").getAll(workshopId));
  const mine = async (store) => (await ofWorkshop(store)).filter((batch) => batch.user_id === userId);
  const pendingBatches = () => inTransaction(["batches"], async (store) => (
    await mine(store("batches"))).sort((a, b) => a.created.localeCompare(b.created)));

  // The page's rows, their radios and the marks last kept.
  const rows = () => Array.from(form.querySelectorAll(".att-row"));
  const entryId = (row) => Number(row.id.replace("entry-", ""));
  const chosen = (row) => {
    const input = row.querySelector("input[type=radio]:checked");
    return input ? input.value : null;
  };
  const known = new Map();
  const show = (row, status) => {
    row.querySelectorAll("input[type=radio]").forEach((input) => {
      input.checked = input.value === status;
    });
  };
  // What the page shows is what is kept (here or on the server), so workshops.js's
  // "unsaved changes" warning compares against this; marks kept here but not sent yet set
  // data-unsent, which warns too: only this page, open again, would send them.
  const settle = () => {
    form.querySelectorAll(".att-row input[type=radio]").forEach((input) => {
      input.defaultChecked = input.checked;
    });
    rows().forEach((row) => known.set(entryId(row), chosen(row)));
  };

  // The state line ----------------------------------------------------------------------
  // The line is short, as it stays in view; why marks were not sent goes above the form.
  const problemLine = document.querySelector("[data-sync-problem]");
  // The page's messages that only this file shows become alerts as they are shown.
  const alert = (element, shown) => {
    element.setAttribute("role", "alert");
    element.hidden = !shown;
  };
  let problem = null;
  const say = (name, text) => {
    state.dataset.syncState = name;
    state.textContent = text;
    if (problemLine) {
      problemLine.textContent = problem || "";
      alert(problemLine, Boolean(problem));
    }
  };
  const unsentText = (n) => (n === 1 ? state.dataset.pendingOne : state.dataset.pendingOther)
    .replace("{n}", n);
  // The students with a mark not sent yet.
  const unsentIds = async () => new Set((await pendingBatches()).flatMap(
    (batch) => batch.marks.map((mark) => mark.entry_id)));
  let unsentNow = 0; // for decisions that cannot wait for IndexedDB (a submit)
  const showPending = async () => {
    const unsent = await unsentIds();
    unsentNow = unsent.size;
    form.toggleAttribute("data-unsent", unsent.size > 0);
    rows().forEach((row) => {
      const badge = row.querySelector("[data-unsent-badge]");
      row.toggleAttribute("data-unsent", unsent.has(entryId(row)));
      if (unsent.has(entryId(row)) && !badge) {
        const added = document.createElement("span");
        added.className = "badge badge-warn";
        added.dataset.unsentBadge = "";
        added.textContent = state.dataset.unsentBadge;
        row.querySelector("legend").append(" ", added);
      } else if (!unsent.has(entryId(row)) && badge) {
        badge.remove();
      }
    });
    if (problem && unsent.size) say("refused", unsentText(unsent.size));
    else if (unsent.size) say("pending", unsentText(unsent.size));
    return unsent.size;
  };

  // Keeping marks -------------------------------------------------------------------------
  // Add marks to this workshop's open batch (one not yet sent), one mark per student.
  const keep = (marks) => inTransaction(["batches"], async (store) => {
    const batches = store("batches");
    const open = (await mine(batches)).find((batch) => !batch.sealed) || {
      batch_id: crypto.randomUUID(), workshop_id: workshopId, user_id: userId, marks: [],
      sealed: false, created: new Date().toISOString(),
    };
    const ids = new Set(marks.map((mark) => mark.entry_id));
    open.marks = open.marks.filter((mark) => !ids.has(mark.entry_id)).concat(marks);
    batches.put(open);
  });

  // The marks the page shows that differ from those last kept, made now.
  const collect = async () => {
    const now = new Date().toISOString();
    const marks = rows().filter((row) => chosen(row) && chosen(row) !== known.get(entryId(row)))
      .map((row) => ({ entry_id: entryId(row), status: chosen(row), marked_at: now }));
    if (!marks.length) return;
    form.toggleAttribute("data-unsent", true); // before the store answers: leaving warns now
    settle();
    await keep(marks);
    await showPending();
    scheduleSend(WAIT_MS);
  };

  // Sending -------------------------------------------------------------------------------
  let sending = false;
  let timer = null;
  const scheduleSend = (ms) => {
    clearTimeout(timer);
    timer = setTimeout(send, ms);
  };
  const token = () => form.querySelector("input[name=csrf_token]").value;
  // A page kept offline for hours may hold a token the server no longer takes: ask the page
  // again (through the worker, which keeps the fresh copy) and take the new one.
  const renewToken = async () => {
    const response = await fetch(window.location.pathname, { credentials: "same-origin" });
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html")
      .querySelector(".attendance-form input[name=csrf_token]");
    if (!fresh) return false;
    form.querySelector("input[name=csrf_token]").value = fresh.value;
    return true;
  };
  const post = (batch) => fetch(form.dataset.batchesUrl, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token() },
    body: JSON.stringify({ batch_id: batch.batch_id, marks: batch.marks }),
  });
  const detail = async (response) => {
    try {
      return await response.json();
    } catch (error) {
      return {};
    }
  };

  // The server took the batch: forget it, and remember its marks for older copies of the page.
  const sent = (batch) => inTransaction(["batches", "sent"], async (store) => {
    store("batches").delete(batch.batch_id);
    batch.marks.forEach((mark) => store("sent").put({ workshop_id: workshopId, ...mark }));
  });
  const update = (batch) => inTransaction(["batches"], async (store) => { store("batches").put(batch); });
  const seal = () => inTransaction(["batches"], async (store) => {
    const open = (await mine(store("batches"))).find((batch) => !batch.sealed);
    if (open) {
      open.sealed = true; // from now on it is sent as it is, however often
      store("batches").put(open);
    }
  });

  // Send one batch; return whether to go on with the next.
  const sendOne = async (batch) => {
    let response = await post(batch);
    let renewed = true;
    if (response.status === 400) {
      renewed = await renewToken();
      if (renewed) response = await post(batch);
    }
    if (response.ok) {
      await sent(batch);
      return true;
    }
    const body = await detail(response);
    const unknown = response.status === 422 && body.errors && body.errors.marks
      && body.errors.marks.unknown;
    if (unknown) {
      // Students taken off the roster meanwhile: the server wrote nothing of this batch, so it
      // goes again, under the same id, without their marks; the line says some were dropped.
      batch.marks = batch.marks.filter((mark) => !unknown.includes(mark.entry_id));
      problem = state.dataset.dropped;
      if (batch.marks.length) await update(batch);
      else await inTransaction(["batches"], async (store) => { store("batches").delete(batch.batch_id); });
      return batch.marks.length ? sendOne(batch) : true;
    }
    if (response.status === 429 || response.status >= 500) throw new Error(String(response.status));
    // No fresh token means the server sent the login page instead: the session has ended.
    problem = !renewed || [401, 403].includes(response.status) ? state.dataset.sessionEnded
      : body.detail || state.dataset.failed;
    batch.problem = problem;
    await update(batch);
    return false;
  };

  async function send() {
    if (sending || (notice && !notice.hidden)) return;
    if (!navigator.onLine) {
      // Marks made offline gather in one batch; the "online" event sends it.
      await showPending();
      return;
    }
    sending = true;
    clearTimeout(timer);
    try {
      await seal();
      const batches = (await pendingBatches()).filter((batch) => batch.sealed);
      if (!batches.length) return;
      problem = null;
      say("sending", state.dataset.sending);
      let complete = true;
      for (const batch of batches) {
        if (!(await sendOne(batch))) {
          complete = false;
          break;
        }
      }
      const left = await showPending();
      if (complete && !left) {
        say("sent", state.dataset.sent);
        if (warning) warning.hidden = true; // nothing left for a logout to delete
      }
      else if (complete) scheduleSend(0); // marks made while sending: their own batch
    } catch (error) {
      // No connection (or the server is down): keep everything, try again later.
      await showPending();
      scheduleSend(RETRY_MS);
    } finally {
      sending = false;
    }
  }

  // Opening the page: marks kept here that this copy does not show yet ----------------------
  // The page may be an older copy from the worker's cache. A kept mark is shown unless the
  // page holds a later one for that student (the server's own rule). A kept mark the page
  // holds already (same status, marked then or later: the page's own "Save attendance", or a
  // batch whose answer never arrived) is dropped; one that a later, different mark beats is
  // still sent, so that the server keeps it in the trail, except on a closed workshop, where
  // staff see the page and correct it themselves.
  const restore = async (closed) => {
    const [batches, taken] = await Promise.all([pendingBatches(), inTransaction(["sent"],
      (store) => ofWorkshop(store("sent")))]);
    const byEntry = new Map(rows().map((row) => [entryId(row), row]));
    const served = new Map(rows().map((row) => [entryId(row), chosen(row)]));
    const markedAt = (row) => Date.parse(row.dataset.markedAt || "") || 0;
    const later = (mark) => Date.parse(mark.marked_at) > markedAt(byEntry.get(mark.entry_id));
    const stale = [];
    taken.forEach((mark) => {
      if (byEntry.has(mark.entry_id) && later(mark)) show(byEntry.get(mark.entry_id), mark.status);
      else stale.push([mark.workshop_id, mark.entry_id]);
    });
    const held = (mark) => byEntry.has(mark.entry_id) && !later(mark)
      && (closed || served.get(mark.entry_id) === mark.status);
    batches.forEach((batch) => {
      batch.marks = batch.marks.filter((mark) => !held(mark));
      batch.marks.filter((mark) => byEntry.has(mark.entry_id) && later(mark))
        .forEach((mark) => show(byEntry.get(mark.entry_id), mark.status));
    });
    await inTransaction(["batches", "sent"], async (store) => {
      batches.forEach((batch) => {
        if (batch.marks.length) store("batches").put(batch);
        else store("batches").delete(batch.batch_id);
      });
      stale.forEach((key) => store("sent").delete(key));
    });
    const left = batches.filter((batch) => batch.marks.length);
    problem = (left.find((batch) => batch.problem) || {}).problem || null;
    // Closed: the kept marks are shown as changes not saved yet, for staff to save on the page.
    if (closed && left.length) problem = state.dataset.closedKept;
    else settle();
    form.dispatchEvent(new Event("change")); // workshops.js counts the marks again
  };

  // Logging out empties this browser's storage (Clear-Site-Data): with marks not sent, the
  // page stops the logout and says so, instead of a confirm() box that a phone may hide and
  // that cannot show how many marks would be lost; "Log out anyway" is one press away.
  const warning = document.querySelector("[data-logout-warning]");
  let leavingAnyway = false;
  document.querySelectorAll(`form[action="${state.dataset.logoutUrl}"]`).forEach((logout) => {
    logout.addEventListener("submit", async (event) => {
      if (leavingAnyway || !warning) return;
      event.preventDefault();
      const unsent = (await unsentIds()).size;
      if (!unsent) {
        leavingAnyway = true;
        logout.requestSubmit();
        return;
      }
      warning.querySelector("[data-logout-text]").textContent = (unsent === 1
        ? warning.dataset.textOne : warning.dataset.textOther).replace("{n}", unsent);
      alert(warning, true);
      const menu = logout.closest("details");
      if (menu) menu.open = false;
      warning.scrollIntoView({ block: "center" });
      warning.querySelector("[data-logout-anyway]").onclick = () => {
        leavingAnyway = true;
        form.toggleAttribute("data-unsent", false); // asked already: no second question on leaving
        logout.requestSubmit();
      };
      send();
    });
  });

  // A walk-in is added on the server: without a connection, say so rather than leave the page.
  const walkIn = document.querySelector("#walk-in form");
  const walkInOffline = document.querySelector("[data-walk-in-offline]");
  if (walkIn && walkInOffline) {
    walkIn.addEventListener("submit", (event) => {
      alert(walkInOffline, !navigator.onLine);
      if (!navigator.onLine) event.preventDefault();
    });
  }

  // Wiring ----------------------------------------------------------------------------------
  // "Save attendance" online posts the form, as without JavaScript (the page it comes back to
  // drops the kept marks it holds). Offline the marks are kept already; once all are sent
  // there is nothing to post, and the line says so again.
  const onSave = (closed) => (event) => {
    if (event.submitter && event.submitter.name !== "submit") return;
    const sentAll = !closed && !unsentNow && state.dataset.syncState === "sent";
    if (navigator.onLine && !sentAll) return;
    event.preventDefault();
    if (notice) notice.hidden = true; // the exceptions are done: send when the line returns
    if (sentAll) say("sent", state.dataset.sent);
    else if (closed) {
      problem = state.dataset.closedOffline;
      showPending();
    }
  };
  const start = async () => {
    const closed = form.hasAttribute("data-closed");
    await restore(closed);
    await showPending();
    form.addEventListener("submit", onSave(closed));
    form.dataset.offlineSync = closed ? "closed" : "on";
    if (closed) return; // batches are refused: staff save with the form
    form.addEventListener("change", collect);
    const allPresent = form.querySelector("[data-all-present]");
    // workshops.js ticks every row on this click, then this keeps the new marks.
    if (allPresent) allPresent.addEventListener("click", () => setTimeout(collect, 0));
    window.addEventListener("online", () => scheduleSend(0));
    send();
  };
  start().catch(() => {
    // IndexedDB refused (a private window, storage full): the form posts as without JavaScript.
  });

  // The service worker keeps this page and its files; it can only see what is fetched once it
  // is running, so the page names itself and its files to it.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(form.dataset.serviceWorker, { scope: form.dataset.serviceWorkerScope })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        const files = Array.from(document.querySelectorAll(
          "link[rel=stylesheet][href], link[rel=icon][href], script[src], img[src]"))
          .map((element) => element.href || element.src);
        const channel = new MessageChannel();
        channel.port1.onmessage = (event) => {
          if (event.data && event.data.kept) form.dataset.offlineReady = "yes";
        };
        registration.active.postMessage({ type: "keep-page", page: window.location.pathname, files, user: String(userId) },
          [channel.port2]);
      })
      .catch(() => undefined); // no worker (e.g. plain http on a LAN address): online only
  }
})();
