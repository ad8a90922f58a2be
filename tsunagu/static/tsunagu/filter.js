// A search box with data-filter="LIST_ID" hides the check boxes of that list whose label does not
// contain what was typed (hiragana = katakana, full-width = half-width), and groups left empty.
// In a list of radio buttons (the referral form's partners) the box is also the name: choosing a
// partner writes its name (data-name) into the box, and a chosen partner that the typing hides is
// let go for the "not in the list" choice (value ""), so what is recorded is what the box says.
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
    function apply() {
      var query = fold(input.value);
      list.querySelectorAll("li").forEach(function (item) {
        item.hidden = query !== "" && fold(item.textContent).indexOf(query) === -1;
      });
      list.querySelectorAll("fieldset").forEach(function (group) {
        group.hidden = group.querySelector("li:not([hidden])") === null;
      });
      var chosen = list.querySelector("li[hidden] input[type=radio]:checked");
      if (chosen) {
        var outside = input.form && input.form.querySelector('input[type=radio][name="' + chosen.name + '"][value=""]');
        if (outside) outside.checked = true;
      }
    }
    input.addEventListener("input", apply);
    list.addEventListener("change", function (event) {
      var choice = event.target;
      if (choice.type === "radio" && choice.dataset.name) input.value = choice.dataset.name;
    });
    if (input.value) apply();
  });
})();
