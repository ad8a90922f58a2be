// A search box with data-filter="LIST_ID" hides the check boxes of that list whose label does not
// contain what was typed (hiragana = katakana, full-width = half-width), and groups left empty.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFKC").replace(/[\u30a1-\u30f6]/g, function (ch) {
      return String.fromCharCode(ch.charCodeAt(0) - 0x60);
    }).replace(/\s+/g, "").toLowerCase();
  }
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var list = document.getElementById(input.dataset.filter);
    if (!list) return;
    input.addEventListener("input", function () {
      var query = fold(input.value);
      list.querySelectorAll("li").forEach(function (item) {
        item.hidden = query !== "" && fold(item.textContent).indexOf(query) === -1;
      });
      list.querySelectorAll("fieldset").forEach(function (group) {
        group.hidden = group.querySelector("li:not([hidden])") === null;
      });
    });
  });
})();
