/* The story form: photos chosen are described at once (alt text, who is shown) before they are
   uploaded; people rows only when asked for; the order by dragging or with buttons; the format
   follows the number of photos; each photo shows the crop Instagram will show (crop_rule.js);
   uploads show their progress; a form is sent once; unsaved text is not lost by leaving; after a
   failed save the page opens at the first problem.
   Without JavaScript the form still works: position fields give the order, one empty person row
   per photo, and photos are described after the first save. */
(function () {
  "use strict";
  var gettext = window.gettext || function (s) { return s; };
  var ngettext = window.ngettext || function (s, p, n) { return n === 1 ? s : p; };
  var interpolate = window.interpolate || function (s, args) {
    var i = 0;
    return s.replace(/%s/g, function () { return String(args[i++]); });
  };

  var form = document.querySelector("form[data-story-form]");
  if (!form) {
    return;
  }
  var list = form.querySelector("[data-photo-list]");
  var orderField = form.querySelector("[data-photo-order]");
  var newTemplate = form.querySelector("template[data-new-photo-template]");
  var chooser = form.querySelector("input[type=file][data-max-files]");
  var formatSelect = form.querySelector("select[name=format]");
  var formatNote = form.querySelector("[data-format-note]");
  var maxPhotos = chooser ? parseInt(chooser.dataset.maxFiles, 10) : 10;
  var dirty = false;
  var submitting = false;
  var formatSwitched = false;
  var nextKey = 0;

  function cards() {
    return Array.prototype.slice.call(list.querySelectorAll("[data-photo]"));
  }

  function isLeftOut(card) {
    var remove = card.querySelector("input[type=checkbox][name$='-remove']");
    return Boolean(remove && remove.checked);
  }

  function activeCards() {
    return cards().filter(function (card) { return !isLeftOut(card); });
  }

  function fill(template, number) {
    return template.split("{n}").join(String(number));
  }

  /* ---- People shown: rows only when asked for, none when nobody can be recognised ---- */

  function personRowHasContent(row) {
    if (row.querySelector(".is-invalid, .invalid-feedback, .alert")) {
      return true;
    }
    return Array.prototype.some.call(row.querySelectorAll("input, textarea"), function (field) {
      if (field.type === "checkbox") {
        return field.checked;
      }
      return field.tagName === "INPUT" && field.value.trim() !== "";
    });
  }

  function setUpPeople(card) {
    var part = card.querySelector("[data-people-part]");
    var rows = part && part.querySelector("[data-person-rows]");
    var template = part && part.querySelector("template[data-person-template]");
    var button = part && part.querySelector("[data-add-person]");
    var total = rows && document.getElementById(rows.dataset.totalField);
    if (!rows || !template || !button || !total) {
      return;
    }
    var max = parseInt(rows.dataset.maxRows, 10);
    var firstNumber = parseInt(rows.dataset.firstNumber || "1", 10);
    var nobody = card.querySelector("input[data-nobody]");
    var hint = part.querySelector("[data-without-script]");
    if (hint) {
      hint.hidden = true;
    }
    // The empty rows offered without a script go: rows come with "Add a person".
    var all = Array.prototype.slice.call(rows.querySelectorAll("[data-person-row]"));
    for (var i = all.length - 1; i >= 0; i--) {
      if (!all[i].hasAttribute("data-blank-row") || personRowHasContent(all[i])) {
        break;
      }
      all[i].remove();
      total.value = i;
    }

    function update() {
      var count = parseInt(total.value, 10);
      button.hidden = count >= max;
      var noneShown = Boolean(nobody && nobody.checked);
      var hasRows = Array.prototype.some.call(rows.querySelectorAll("[data-person-row]"), personRowHasContent);
      var hide = noneShown && !hasRows;
      part.hidden = hide;
      // Hidden rows are not sent, so an empty one cannot contradict "nobody".
      Array.prototype.forEach.call(part.querySelectorAll("[data-person-row] input, [data-person-row] textarea"), function (field) {
        field.disabled = hide;
      });
    }

    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (index >= max) {
        return;
      }
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(firstNumber + index));
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = index + 1;
      refresh();
      update();
      var first = row.querySelector("input, textarea");
      if (first) {
        first.focus();
      }
    });
    if (nobody) {
      nobody.addEventListener("change", update);
    }
    update();
  }

  /* ---- Order: headings, labels and positions follow it ---- */

  function refresh() {
    var tokens = [];
    cards().forEach(function (card, index) {
      var number = index + 1;
      card.querySelectorAll("[data-text-template]").forEach(function (element) {
        element.textContent = fill(element.dataset.textTemplate, number);
      });
      card.querySelectorAll("[data-label-template]").forEach(function (field) {
        var label = field.labels && field.labels[0];
        if (label) {
          label.textContent = fill(field.dataset.labelTemplate, number);
        }
      });
      card.dataset.photoLabel = fill(card.dataset.labelTemplate, number);
      card.querySelectorAll("[data-move]").forEach(function (button) {
        button.setAttribute("aria-label", interpolate(gettext("%s: %s"), [button.textContent, card.dataset.photoLabel]));
      });
      var position = card.querySelector("[data-position]");
      if (position) {
        position.value = number;
      }
      tokens.push(card.dataset.photoToken);
    });
    if (orderField) {
      orderField.disabled = false;
      orderField.value = tokens.join(",");
    }
    showCrops();
  }

  function changed() {
    dirty = true;
    refresh();
    syncFormat();
    showCrops();
  }

  function addMoveButtons(card) {
    var bar = card.querySelector("[data-move-buttons]");
    if (!bar || bar.childElementCount) {
      return;
    }
    [["up", gettext("Move up")], ["down", gettext("Move down")]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-secondary me-1";
      button.textContent = pair[1];
      button.dataset.move = pair[0];
      button.addEventListener("click", function () {
        if (pair[0] === "up" && card.previousElementSibling) {
          list.insertBefore(card, card.previousElementSibling);
        } else if (pair[0] === "down" && card.nextElementSibling) {
          list.insertBefore(card.nextElementSibling, card);
        }
        changed();
        button.focus();
      });
      bar.appendChild(button);
    });
  }

  /* Dragging by the handle, with a mouse, a pen or a finger (pointer events). While a photo is
     dragged, every card folds to its heading, so the whole list fits on a phone's screen. */
  function addDragHandle(card) {
    var handle = card.querySelector("[data-drag-handle]");
    if (!handle) {
      return;
    }
    handle.hidden = false;
    var dragging = false;

    function keepUnderPointer(y) {
      var rect = card.getBoundingClientRect();
      window.scrollBy(0, rect.top + rect.height / 2 - y);
    }

    // The card moves in the page as it is dragged, which ends a pointer capture: the moves are
    // followed on the whole document instead.
    function onMove(event) {
      if (!dragging) {
        return;
      }
      var y = event.clientY;
      var before = null;
      cards().some(function (other) {
        if (other === card) {
          return false;
        }
        var rect = other.getBoundingClientRect();
        if (y < rect.top + rect.height / 2) {
          before = other;
          return true;
        }
        return false;
      });
      if (before !== card.nextElementSibling) {
        list.insertBefore(card, before);
      }
      if (y < 40) {
        window.scrollBy(0, -20);
      } else if (y > window.innerHeight - 40) {
        window.scrollBy(0, 20);
      }
    }

    function drop() {
      if (!dragging) {
        return;
      }
      dragging = false;
      document.removeEventListener("pointermove", onMove);
      document.removeEventListener("pointerup", drop);
      document.removeEventListener("pointercancel", drop);
      list.classList.remove("photo-list-sorting");
      card.classList.remove("photo-dragged");
      changed();
      card.scrollIntoView({ block: "nearest" });
    }

    handle.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) {
        return;
      }
      event.preventDefault();
      dragging = true;
      list.classList.add("photo-list-sorting");
      card.classList.add("photo-dragged");
      keepUnderPointer(event.clientY);
      document.addEventListener("pointermove", onMove);
      document.addEventListener("pointerup", drop);
      document.addEventListener("pointercancel", drop);
    });
  }

  /* ---- The format follows the number of photos ---- */

  function syncFormat() {
    if (!formatSelect) {
      return;
    }
    var count = activeCards().length;
    if (count >= 2 && formatSelect.value === "single_image") {
      formatSelect.value = "carousel";
      formatSwitched = true;
      if (formatNote) {
        formatNote.textContent = gettext("Two photos or more make a carousel: the format is now “Carousel”.");
      }
    } else if (count <= 1 && formatSwitched && formatSelect.value === "carousel") {
      formatSelect.value = "single_image";
      formatSwitched = false;
      if (formatNote) {
        formatNote.textContent = "";
      }
    }
  }

  /* ---- The crop Instagram will show, next to each photo ---- */

  function sizeOf(card) {
    var width = parseFloat(card.dataset.width || "");
    var height = parseFloat(card.dataset.height || "");
    return width > 0 && height > 0 ? { width: width, height: height } : null;
  }

  function cropOf(card) {
    var parts = (card.dataset.crop || "").split(" ").map(parseFloat);
    if (parts.length !== 4 || parts.some(isNaN)) {
      return null;
    }
    return { x: parts[0], y: parts[1], width: parts[2], height: parts[3] };
  }

  function showCrops() {
    var rule = window.cmsCropRule;
    if (!rule) {
      return;
    }
    var active = activeCards();
    var story = {
      carousel: Boolean(formatSelect && formatSelect.value === "carousel"),
      first: active.length ? sizeOf(active[0]) : null,
      chosen: list.dataset.chosenRatio || ""
    };
    cards().forEach(function (card) {
      var frame = card.querySelector("[data-crop-preview]");
      var note = card.querySelector("[data-crop-note]");
      var warning = card.querySelector("[data-crop-warning]");
      var img = frame && frame.querySelector("img");
      var size = sizeOf(card);
      var cut = size && !isLeftOut(card)
        ? rule.photoCut({ width: size.width, height: size.height, crop: cropOf(card), cropByHand: card.hasAttribute("data-crop-by-hand") }, story)
        : null;
      if (!cut) {
        if (note) { note.textContent = ""; }
        if (warning) { warning.hidden = true; }
        return;
      }
      frame.style.aspectRatio = String(cut.ratio);
      if (img && img.dataset.whole === "1") {
        img.classList.add("ig-crop-placed");
        img.style.width = 100 / cut.box.width + "%";
        img.style.height = 100 / cut.box.height + "%";
        img.style.left = (-cut.box.x / cut.box.width) * 100 + "%";
        img.style.top = (-cut.box.y / cut.box.height) * 100 + "%";
      }
      var kept = Math.round(cut.kept * 100);
      note.textContent = interpolate(gettext("Instagram: %s, %s shown"), [cut.label, kept + " %"]);
      warning.hidden = !cut.flagged;
      warning.textContent = cut.flagged
        ? interpolate(gettext("Instagram will cut away %s of this photo, more than a quarter."), [Math.round(cut.lost * 100) + " %"])
          + (story.carousel ? " " + gettext("A carousel shows every photo in the shape of its first one: put a photo of this shape first, or choose another.") : "")
        : "";
    });
  }

  function showWholePhoto(card) {
    var img = card.querySelector("[data-crop-preview] img[data-whole-src]");
    if (!img) {
      return;
    }
    var fallback = img.getAttribute("src");
    img.addEventListener("load", function () {
      if (img.getAttribute("src") !== fallback) {
        img.dataset.whole = "1";
        showCrops();
      }
    });
    img.addEventListener("error", function () {
      // No preview yet (a big photo the worker has not reached): the rendition as it is.
      img.dataset.whole = "";
      img.classList.remove("ig-crop-placed");
      img.setAttribute("src", fallback);
    }, { once: true });
    img.setAttribute("src", img.dataset.wholeSrc);
  }

  /* ---- Photos chosen: described at once, uploaded with the next save ---- */

  function setUpCard(card) {
    addMoveButtons(card);
    addDragHandle(card);
    setUpPeople(card);
    var remove = card.querySelector("input[type=checkbox][name$='-remove']");
    if (remove) {
      remove.addEventListener("change", changed);
    }
    var leaveOut = card.querySelector("[data-remove-new]");
    if (leaveOut) {
      leaveOut.addEventListener("click", function () {
        var img = card.querySelector("img[data-new-preview]");
        if (img && img.src) {
          URL.revokeObjectURL(img.src);
        }
        var next = card.nextElementSibling || card.previousElementSibling;
        card.remove();
        changed();
        var focus = next ? next.querySelector("textarea, input:not([type=hidden]):not([hidden])") : chooser;
        if (focus) {
          focus.focus();
        }
      });
    }
    showWholePhoto(card);
  }

  function addChosenPhoto(file) {
    var key = nextKey++;
    var holder = document.createElement("div");
    holder.innerHTML = newTemplate.innerHTML.replace(/__key__/g, String(key));
    var card = holder.firstElementChild;
    var input = card.querySelector("input[data-new-file]");
    var transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    card.querySelector("[data-file-name]").textContent = file.name;
    var img = card.querySelector("img[data-new-preview]");
    img.addEventListener("load", function () {
      card.dataset.width = img.naturalWidth;
      card.dataset.height = img.naturalHeight;
      img.dataset.whole = "1";
      showCrops();
    }, { once: true });
    img.addEventListener("error", function () {
      // HEIC and the like: browsers cannot show them; the crop is shown after saving.
      var text = document.createElement("div");
      text.className = "small text-muted text-center p-1";
      text.textContent = gettext("Shown after saving");
      img.replaceWith(text);
    }, { once: true });
    img.src = URL.createObjectURL(file);
    list.appendChild(card);
    setUpCard(card);
    return card;
  }

  if (chooser && newTemplate && window.DataTransfer) {
    var note = document.getElementById(chooser.dataset.noteId);
    chooser.addEventListener("change", function () {
      var files = Array.prototype.slice.call(chooser.files);
      var room = Math.max(0, maxPhotos - activeCards().length);
      var first = null;
      files.slice(0, room).forEach(function (file) {
        var card = addChosenPhoto(file);
        first = first || card;
      });
      var text = interpolate(ngettext("%s photo chosen.", "%s photos chosen.", files.length), [files.length]);
      if (files.length > room) {
        text += " " + interpolate(gettext("A post holds at most %s photos."), [maxPhotos]);
        note.classList.add("counter-over");
      } else {
        note.classList.remove("counter-over");
        if (files.length) {
          text += " " + gettext("Describe each one below; they are uploaded when you save.");
        }
      }
      note.textContent = text;
      // The files now travel with their cards; the chooser is ready for more.
      chooser.value = "";
      changed();
      if (first) {
        var alt = first.querySelector("textarea");
        if (alt) {
          alt.focus();
        }
      }
    });
  }

  /* ---- Sending: once, with progress for uploads ---- */

  var status = form.querySelector("[data-upload-status]");
  var progress = form.querySelector("[data-upload-progress]");
  var buttons = Array.prototype.slice.call(form.querySelectorAll("button[type=submit]"));

  function setBusy(busy) {
    buttons.forEach(function (button) {
      button.disabled = busy;
    });
  }

  function hasFiles() {
    return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  function sendWithProgress(data, hash) {
    var xhr = new XMLHttpRequest();
    // Not form.action: the buttons are named "action" and would stand in for it.
    var address = form.getAttribute("action") || window.location.href;
    xhr.open("POST", address);
    status.hidden = false;
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        progress.value = Math.round((event.loaded / event.total) * 100);
      }
    });
    xhr.upload.addEventListener("load", function () {
      progress.value = 100;
      form.querySelector("[data-upload-label]").textContent = gettext("Uploaded; the photos are being checked…");
    });
    xhr.addEventListener("load", function () {
      // The answer is the page the browser would have shown: show it at its address.
      // A button may ask to land on a part of the page it leads to ("#video"), as a redirect
      // followed by the browser would; a form shown again for its errors stays where it was.
      var landed = xhr.responseURL || address;
      var moved = new URL(landed, window.location.href).pathname !== new URL(address, window.location.href).pathname;
      window.history.replaceState(null, "", hash && moved ? landed + "#" + hash : landed);
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      submitting = false;
      dirty = true;
      setBusy(false);
      form.querySelector("[data-upload-label]").textContent = gettext("The upload failed: check the connection and save again. Nothing has been lost.");
    });
    xhr.send(data);
  }

  form.addEventListener("submit", function (event) {
    if (submitting) {
      event.preventDefault();
      return;
    }
    submitting = true;
    dirty = false;
    refresh();
    if (hasFiles() && window.FormData && window.XMLHttpRequest) {
      event.preventDefault();
      var data;
      try {
        data = new FormData(form, event.submitter);
      } catch (error) {
        data = new FormData(form);
        if (event.submitter && event.submitter.name) {
          data.append(event.submitter.name, event.submitter.value);
        }
      }
      setBusy(true);
      sendWithProgress(data, event.submitter ? event.submitter.getAttribute("data-then-hash") : "");
      return;
    }
    // After the browser has taken the pressed button's value.
    window.setTimeout(function () { setBusy(true); }, 0);
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      submitting = false;
      setBusy(false);
    }
  });

  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && form.isConnected) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  if (formatSelect) {
    formatSelect.addEventListener("change", function () {
      formatSwitched = false;
      if (formatNote) {
        formatNote.textContent = "";
      }
      showCrops();
    });
  }

  /* ---- Start ---- */

  var positions = form.querySelectorAll("[data-position-field]");
  Array.prototype.forEach.call(positions, function (field) {
    field.hidden = true;
  });
  var dragHint = form.querySelector("[data-drag-hint]");
  if (dragHint) {
    dragHint.hidden = false;
  }
  cards().forEach(setUpCard);
  refresh();

  // After a failed save: straight to the first thing that needs attention.
  var firstProblem = document.querySelector("[data-problem-links] a[href^='#']");
  if (firstProblem) {
    var target = document.getElementById(decodeURIComponent(firstProblem.hash.slice(1)));
    if (target) {
      if (!target.matches("input, textarea, select, button, a[href]")) {
        target.setAttribute("tabindex", "-1");
      }
      target.scrollIntoView({ block: "center" });
      target.focus({ preventScroll: true });
    }
  }
  document.querySelectorAll("[data-problem-links] a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var element = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (element) {
        event.preventDefault();
        if (!element.matches("input, textarea, select, button, a[href]")) {
          element.setAttribute("tabindex", "-1");
        }
        element.scrollIntoView({ block: "center" });
        element.focus({ preventScroll: true });
      }
    });
  });
})();
