// Choosing an appointment type fills the duration with the type's own (still editable).
// Each <select data-fills-duration="FIELD_ID"> names the field; each option carries its
// minutes in data-minutes. A file of its own: the Content-Security-Policy allows no inline script.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-fills-duration]").forEach(function (select) {
    var duration = document.getElementById(select.dataset.fillsDuration);
    if (!duration) return;
    select.addEventListener("change", function () {
      var minutes = select.options[select.selectedIndex].dataset.minutes;
      if (minutes) duration.value = minutes;
    });
  });
});
