// Copy buttons: <button data-copy="input-id" data-copied="Copiado" hidden>. Without this file
// the button stays hidden and the address stays selectable in its read-only field.
(() => {
  const copyText = async (input) => {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(input.value);
      return;
    }
    input.focus();
    input.select();
    if (!document.execCommand("copy")) throw new Error("copy refused");
  };

  document.querySelectorAll("button[data-copy]").forEach((button) => {
    const input = document.getElementById(button.dataset.copy);
    const status = document.getElementById(button.dataset.copyStatus);
    if (!input || !status) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await copyText(input);
        status.textContent = button.dataset.copied;
      } catch {
        input.select();  // the person copies it by hand
        status.textContent = button.dataset.copyFailed;
      }
    });
  });
})();
