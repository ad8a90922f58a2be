// The calendar beside a typed date field: picking a day writes it into the text field (which htmx then
// reads back as "understood as …"); typing an ISO date moves the calendar along.
document.addEventListener("change", function (event) {
  var picker = event.target;
  if (!picker.matches || !picker.matches("input.date-picker")) return;
  var field = document.getElementById(picker.dataset.dateFor);
  if (!field || !picker.value) return;
  field.value = picker.value;
  field.dispatchEvent(new Event("input", { bubbles: true }));
});
document.addEventListener("input", function (event) {
  var field = event.target;
  if (!field.matches || !field.matches("input.date-text")) return;
  var picker = document.querySelector('input.date-picker[data-date-for="' + field.id + '"]');
  if (picker && /^\d{4}-\d{2}-\d{2}$/.test(field.value)) picker.value = field.value;
});
