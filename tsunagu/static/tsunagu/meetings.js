// The attendance picker of a meeting page: choosing an organisation from the options fills the hidden id
// and the name and moves to the head count; typing again forgets the chosen id. ArrowDown from the box
// goes to the first option, ArrowUp/ArrowDown move between them. Everything also works without this:
// a typed name is matched to an organisation on the server.
(function () {
  "use strict";
  function options() { return Array.prototype.slice.call(document.querySelectorAll("#body-options .body-option")); }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".body-option");
    if (!button) return;
    document.getElementById("id_body").value = button.dataset.bodyId;
    document.getElementById("id_body_name").value = button.dataset.bodyName;
    document.getElementById("body-options").innerHTML = "";
    document.getElementById("id_people").focus();
  });
  document.addEventListener("input", function (event) {
    if (event.target.id === "id_body_name") document.getElementById("id_body").value = "";
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var list = options();
    if (!list.length) return;
    if (event.target.id === "id_body_name" && event.key === "ArrowDown") {
      event.preventDefault();
      list[0].focus();
      return;
    }
    var at = list.indexOf(event.target);
    if (at < 0) return;
    event.preventDefault();
    if (event.key === "ArrowDown" && at + 1 < list.length) list[at + 1].focus();
    else if (event.key === "ArrowUp") (at > 0 ? list[at - 1] : document.getElementById("id_body_name")).focus();
  });
})();
