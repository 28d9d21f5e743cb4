// After a failed submit, focus the first invalid field (templates/bootstrap5/form.html marks
// it aria-invalid and autofocus; this covers browsers that skip autofocus, e.g. after the
// page was restored from history). A file of its own: the CSP allows no inline script.
document.addEventListener("DOMContentLoaded", () => {
  const invalid = document.querySelector("main [aria-invalid='true']");
  if (invalid && (document.activeElement === document.body || document.activeElement === null)) {
    invalid.focus();
  }
});
