// The printed record's "Print or save as PDF" button (a file of its own: the CSP allows no inline script).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print-page");
  if (button) {
    button.addEventListener("click", () => window.print());
  }
});
