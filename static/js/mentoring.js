// Show the concern details box only when the concern switch is on (it is visible without JS).
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.getElementById("safeguarding_concern");
  const box = document.getElementById("concern_details");
  if (!toggle || !box) {
    return;
  }
  document.documentElement.classList.add("js");
  const parts = [box, document.querySelector("label[for=concern_details]"),
    document.getElementById("concern_details-help"), document.getElementById("concern_details-error")];
  const update = () => {
    parts.forEach((el) => el && el.classList.toggle("concern-hidden", !toggle.checked));
  };
  toggle.addEventListener("change", update);
  update();
});
