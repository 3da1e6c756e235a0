/* "Add another person": copies the empty person row of a photo (a <template> the server renders
   with placeholders) under the rows already there, and counts it in the formset's total.
   Without JavaScript the page offers a few empty rows, and more after each save. */
(function () {
  "use strict";

  document.querySelectorAll("[data-person-rows]").forEach(function (rows) {
    var fieldset = rows.parentElement;
    var template = fieldset.querySelector("template[data-person-template]");
    var button = fieldset.querySelector("[data-add-person]");
    var total = document.getElementById(rows.dataset.totalField);
    var max = parseInt(rows.dataset.maxRows, 10);
    if (!template || !button || !total) {
      return;
    }
    var hint = fieldset.querySelector("[data-without-script]");
    if (hint) {
      hint.hidden = true;
    }
    // Rows are numbered after the people already recorded for the photo.
    var firstNumber = parseInt(rows.dataset.firstNumber || "1", 10);

    function update() {
      button.hidden = parseInt(total.value, 10) >= max;
    }

    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (index >= max) {
        return;
      }
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(firstNumber + index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = index + 1;
      update();
      var first = row.querySelector("input, textarea");
      if (first) {
        first.focus();
      }
    });
    update();
  });
})();
