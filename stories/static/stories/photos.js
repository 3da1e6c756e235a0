/* Reordering the photos of a story with buttons, and a note on how many files were chosen.
   Without JavaScript the position fields do the same job. */
(function () {
  "use strict";
  var gettext = window.gettext || function (s) { return s; };
  var interpolate = window.interpolate || function (s) { return s; };
  var ngettext = window.ngettext || function (s, p, n) { return n === 1 ? s : p; };

  function renumber(list) {
    list.querySelectorAll("[data-photo]").forEach(function (card, index) {
      var field = card.querySelector("[data-position]");
      if (field) {
        field.value = index + 1;
      }
    });
  }

  function addButtons(list) {
    list.querySelectorAll("[data-photo]").forEach(function (card) {
      var bar = card.querySelector("[data-move-buttons]");
      if (!bar) {
        return;
      }
      var label = card.dataset.photoLabel || "";
      [["up", gettext("Move up")], ["down", gettext("Move down")]].forEach(function (pair) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-secondary me-1";
        button.textContent = pair[1];
        button.setAttribute("aria-label", interpolate(gettext("%s: %s"), [pair[1], label]));
        button.addEventListener("click", function () {
          if (pair[0] === "up" && card.previousElementSibling) {
            list.insertBefore(card, card.previousElementSibling);
          } else if (pair[0] === "down" && card.nextElementSibling) {
            list.insertBefore(card.nextElementSibling, card);
          }
          renumber(list);
          button.focus();
        });
        bar.appendChild(button);
      });
    });
  }

  document.querySelectorAll("[data-photo-list]").forEach(addButtons);

  document.querySelectorAll("input[type=file][data-max-files]").forEach(function (input) {
    var note = document.getElementById(input.dataset.noteId);
    var limit = parseInt(input.dataset.maxFiles, 10);
    input.addEventListener("change", function () {
      if (!note) {
        return;
      }
      var count = input.files.length;
      var text = interpolate(ngettext("%s photo chosen.", "%s photos chosen.", count), [count]);
      if (count > limit) {
        text += " " + interpolate(gettext("A post holds at most %s photos."), [limit]);
        note.classList.add("counter-over");
      } else {
        note.classList.remove("counter-over");
      }
      note.textContent = text;
    });
  });
})();
