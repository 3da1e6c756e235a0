/* The team's calendar: FullCalendar (vendored) reading the event source; a drag asks the
   server, which applies the same checks as the form, and puts the post back if refused. */
(function () {
  "use strict";

  function iso(value) {
    if (value && typeof value.toISOString === "function") { return value.toISOString(); }
    return String(value);
  }

  function showStatus(box, kind, text) {
    box.className = "alert alert-" + kind;
    box.textContent = text;
  }

  function eventContent(arg) {
    var props = arg.event.extendedProps || {};
    var wrapper = document.createElement("span");
    wrapper.className = "calendar-item";
    if (props.thumbnail) {
      var img = document.createElement("img");
      img.src = props.thumbnail;
      img.alt = "";
      img.className = "calendar-thumb";
      wrapper.appendChild(img);
    } else if (props.coverNote) {
      // A video post whose cover is being made (or failed): an empty frame where the cover will
      // be, and the words after the title; never an image that would not load.
      var box = document.createElement("span");
      box.className = "calendar-thumb calendar-thumb-empty";
      box.setAttribute("aria-hidden", "true");
      box.title = props.coverNote;
      wrapper.appendChild(box);
    }
    if (arg.timeText) {
      var time = document.createElement("span");
      time.className = "calendar-time";
      time.textContent = arg.timeText + " ";
      wrapper.appendChild(time);
    }
    var title = document.createElement("span");
    title.className = "calendar-title";
    title.textContent = arg.event.title;
    wrapper.appendChild(title);
    if (!props.thumbnail && props.coverNote) {
      var note = document.createElement("span");
      note.className = "calendar-cover-note";
      note.textContent = props.coverNote;
      wrapper.appendChild(note);
    }
    var label = props.statusLabel || props.kindLabel;
    if (label) {
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " (" + label + (props.reason ? ": " + props.reason : "") + ")";
      wrapper.appendChild(hidden);
      if (props.reason) { wrapper.title = label + ": " + props.reason; }
    }
    return { domNodes: [wrapper] };
  }

  function start() {
    var el = document.getElementById("calendar");
    if (!el || !window.FullCalendar) { return; }
    var box = document.getElementById("calendar-status");
    var calendar = new window.FullCalendar.Calendar(el, {
      initialView: "dayGridMonth",
      initialDate: el.dataset.initialDate || undefined,
      locale: el.dataset.locale === "de" ? "de" : "en-gb",
      firstDay: 1,
      headerToolbar: { start: "prev,next today", center: "title", end: "dayGridMonth,timeGridWeek,listMonth" },
      events: { url: el.dataset.eventsUrl },
      editable: true,
      eventDurationEditable: false,
      eventContent: eventContent,
      eventDrop: function (info) {
        var props = info.event.extendedProps || {};
        if (props.type !== "post") { info.revert(); return; }
        showStatus(box, "info", el.dataset.moving);
        fetch(props.moveUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": el.dataset.csrfToken },
          body: JSON.stringify({ start: iso(info.event.start) })
        }).then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        }).then(function (result) {
          if (result.ok) {
            showStatus(box, "success", result.data.message);
          } else {
            info.revert();
            showStatus(box, "danger", el.dataset.refused + " " + (result.data.error || ""));
          }
        }).catch(function () {
          info.revert();
          showStatus(box, "danger", el.dataset.failed);
        });
      }
    });
    calendar.render();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
