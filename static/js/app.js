// Small progressive enhancements; every page works without this file.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.dataset ? form.dataset.confirm : null;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// The phone menu: a real button that folds the section links away (CSS shows the button on
// narrow screens only); without this script the links stay listed.
document.querySelectorAll(".menu-button[aria-controls]").forEach((button) => {
  const links = document.getElementById(button.getAttribute("aria-controls"));
  button.hidden = false;
  button.setAttribute("aria-expanded", "false");
  button.addEventListener("click", () => {
    button.setAttribute("aria-expanded", String(button.getAttribute("aria-expanded") !== "true"));
  });
  links.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
  });
});

// The attendance pages the service worker keeps for offline use (static/sw.js) are one
// account's: any page tells it who is logged in here now (nobody, on the login page), and it
// drops them for anyone else.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.getRegistration("/workshops/").then((registration) => {
    if (registration && registration.active) {
      registration.active.postMessage({ type: "owner", user: document.body.dataset.user || "" });
    }
  }).catch(() => undefined);
}
