// The attendance page's service worker: once a workshop's attendance page has been opened
// online, it opens again without a connection. Marks are kept and sent by the page itself
// (static/js/attendance-offline.js, IndexedDB); this worker only keeps the page and its files.
//
// Written by hand rather than with Workbox: it caches two kinds of URL (attendance pages,
// network first; static files, from the cache while refreshing them), there is no build step
// to bundle Workbox's modules, and vendoring it would add 100 KB+ for those forty lines.
//
// Served at /sw.js and registered with the scope /workshops/: it controls only workshop pages
// and, of those, answers only attendance pages and the files they load. Everything else goes
// to the network untouched. Logging out sends Clear-Site-Data, which empties these caches
// and unregisters the worker.
//
// The kept pages hold children's names, so they go sooner without a logout too: they are one
// account's, dropped as soon as a page of this site shows another account or none logged in
// (static/js/app.js tells the worker), and a page kept longer than a day (a workshop's day
// offline) is dropped rather than shown.

const VERSION = "attendance-v1";
const PAGES = `${VERSION}-pages`;
const FILES = `${VERSION}-files`;
const OWNER = `${VERSION}-owner`;
const OWNER_KEY = "/owner";
const MAX_AGE_MS = 24 * 60 * 60 * 1000;
const KEPT_AT = "X-Kept-At";
// Attendance pages kept for offline use: the few workshops of the day, not a term's rosters.
const MAX_PAGES = 5;
// An attendance page the server is slow to send is shown from the cache after this long.
const NETWORK_WAIT_MS = 6000;
const ATTENDANCE_PAGE = /^\/workshops\/\d+\/attendance$/;

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => !name.startsWith(`${VERSION}-`))
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

const isAttendancePage = (url) => url.origin === self.location.origin
  && ATTENDANCE_PAGE.test(url.pathname);
const isStaticFile = (url) => url.origin === self.location.origin
  && url.pathname.startsWith("/static/");

// The account whose pages are kept: when another (or none, "") shows, its pages go.
async function ownedBy(user) {
  const owners = await caches.open(OWNER);
  const kept = await owners.match(OWNER_KEY);
  if (kept && (await kept.text()) === user) return;
  await caches.delete(PAGES);
  await owners.put(OWNER_KEY, new Response(user));
}

// Keep a page under its path alone (a search adds ?q=), newest last, at most MAX_PAGES,
// stamped with the moment it was kept.
async function keepPage(path, response) {
  const cache = await caches.open(PAGES);
  const headers = new Headers(response.headers);
  headers.set(KEPT_AT, String(Date.now()));
  await cache.delete(path);
  await cache.put(path, new Response(await response.blob(), {
    status: response.status, statusText: response.statusText, headers,
  }));
  const kept = await cache.keys();
  await Promise.all(kept.slice(0, Math.max(kept.length - MAX_PAGES, 0))
    .map((request) => cache.delete(request)));
}

// A page the server sends whole (not a redirect to the login page) is kept.
const keepable = (response) => response.ok && response.type === "basic" && !response.redirected;

// The kept copy of a page, unless it is older than MAX_AGE_MS (then it is dropped).
async function keptPage(path) {
  const cached = await caches.match(path, { cacheName: PAGES });
  if (!cached) return undefined;
  if (Date.now() - Number(cached.headers.get(KEPT_AT) || 0) < MAX_AGE_MS) return cached;
  await (await caches.open(PAGES)).delete(path);
  return undefined;
}

async function pageFromNetworkOrCache(request) {
  const path = new URL(request.url).pathname;
  const fromNetwork = fetch(request).then(async (response) => {
    if (keepable(response)) await keepPage(path, response.clone());
    return response;
  });
  const late = new Promise((resolve) => { setTimeout(resolve, NETWORK_WAIT_MS); });
  fromNetwork.catch(() => undefined); // answered from the cache meanwhile: not an error
  try {
    const first = await Promise.race([fromNetwork, late]);
    if (first) return first;
    return (await keptPage(path)) || await fromNetwork;
  } catch (error) {
    const cached = await keptPage(path);
    if (cached) return cached;
    throw error;
  }
}

async function fileFromCacheThenRefresh(event) {
  const cache = await caches.open(FILES);
  const cached = await cache.match(event.request);
  const refreshed = fetch(event.request).then(async (response) => {
    if (response.ok) await cache.put(event.request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(refreshed.catch(() => undefined));
    return cached;
  }
  return refreshed;
}

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  const url = new URL(event.request.url);
  if (isAttendancePage(url)) {
    event.respondWith(pageFromNetworkOrCache(event.request));
  } else if (isStaticFile(url)) {
    event.respondWith(fileFromCacheThenRefresh(event));
  }
});

// The page, once this worker is active, names itself and the files it loaded: they were
// fetched before the worker could see them. Answer on the message's port when all are kept.
// A page not kept yet is fetched once more (the server audits it as one more opening).
self.addEventListener("message", (event) => {
  const { type, page, files, user } = event.data || {};
  if (type === "owner") {
    event.waitUntil(ownedBy(String(user || "")));
    return;
  }
  if (type !== "keep-page") return;
  event.waitUntil((async () => {
    let kept = true;
    try {
      await ownedBy(String(user || ""));
      const cache = await caches.open(FILES);
      const wanted = (files || []).map((file) => new URL(file, self.location.origin))
        .filter(isStaticFile);
      await Promise.all(wanted.map(async (url) => {
        if (!(await cache.match(url.href))) await cache.add(url.href);
      }));
      const path = new URL(page, self.location.origin);
      if (isAttendancePage(path) && !(await caches.match(path.pathname, { cacheName: PAGES }))) {
        const response = await fetch(path.pathname, { credentials: "same-origin" });
        if (keepable(response)) await keepPage(path.pathname, response);
        else kept = false;
      }
    } catch (error) {
      kept = false;
    }
    if (event.ports[0]) event.ports[0].postMessage({ kept });
  })());
});
