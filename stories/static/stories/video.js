// A story's video: the upload in pieces (it carries on after a dropped connection), the
// conversion's progress on the story page, and "use this moment" for a reel's cover.
(function () {
  "use strict";
  // Once per page, though the panel and the field may both bring the script; marked on the page
  // itself, since the story form writes the page it gets back after a save into this window.
  if (document.documentElement.hasAttribute("data-video-js")) return;
  document.documentElement.setAttribute("data-video-js", "");

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function getStatus(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error("status " + r.status);
      return r.json();
    });
  }

  // One piece, with upload progress; resolves {status, body}, rejects on a network failure.
  function sendPiece(box, file, offset, onProgress) {
    var size = Number(box.dataset.chunkBytes);
    var piece = file.slice(offset, Math.min(offset + size, file.size));
    var query = "?offset=" + offset + "&total=" + file.size + "&name=" + encodeURIComponent(file.name);
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", box.dataset.uploadUrl + query);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.setRequestHeader("X-CSRFToken", box.dataset.csrf);
      xhr.upload.onprogress = function (event) { onProgress(offset + event.loaded); };
      xhr.onload = function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
        resolve({ status: xhr.status, body: body });
      };
      xhr.onerror = function () { reject(new Error("network")); };
      xhr.ontimeout = xhr.onerror;
      xhr.send(piece);
    });
  }

  async function upload(box, file) {
    var bar = box.querySelector("[data-video-progress]");
    var message = box.querySelector("[data-video-message]");
    var input = box.querySelector("[data-video-input]");
    function say(text, bad) {
      message.textContent = text;
      message.classList.toggle("text-danger", Boolean(bad));
    }
    if (file.size > Number(box.dataset.maxBytes)) {
      say(box.dataset.msgTooBig, true);
      return;
    }
    input.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    var offset = 0;
    try {
      // The same file, already partly here: carry on where it stopped.
      var known = await getStatus(box.dataset.statusUrl);
      if (known.state === "uploading" && known.name === file.name && known.total === file.size) {
        offset = known.received;
      }
    } catch (e) { offset = 0; }
    var wait = 1000;
    var last = null;
    say(box.dataset.msgUploading);
    while (true) {
      var answer;
      try {
        answer = await sendPiece(box, file, offset, function (sent) {
          bar.value = Math.floor((100 * sent) / file.size);
        });
      } catch (e) {
        answer = { status: 0, body: {} };
      }
      if (answer.status === 200) {
        wait = 1000;
        last = answer.body;
        offset = answer.body.received;
        bar.value = Math.floor((100 * offset) / file.size);
        if (offset >= file.size) break;
        say(box.dataset.msgUploading);
      } else if (answer.status === 409 && typeof answer.body.received === "number") {
        offset = answer.body.received;
      } else if (answer.status >= 400 && answer.status < 500) {
        say(answer.body.error || String(answer.status), true);
        input.disabled = false;
        return;
      } else {
        // Dropped connection or a server hiccup: wait, ask where the upload stands, go on.
        say(box.dataset.msgRetry, true);
        await sleep(wait);
        wait = Math.min(wait * 2, 30000);
        try {
          var status = await getStatus(box.dataset.statusUrl);
          if (status.state === "uploading" && status.total === file.size) offset = status.received;
        } catch (e) { /* still offline: try again */ }
      }
    }
    if (last && last.state === "checking") {
      // The worker joins and probes the file; ask until it has an outcome.
      say(box.dataset.msgChecking);
      while (last.state === "checking") {
        await sleep(1000);
        try { last = await getStatus(box.dataset.statusUrl); } catch (e) { /* offline: ask again */ }
      }
    }
    input.disabled = false;
    if (last && last.state === "refused") {
      say(last.problem, true);
    } else if (last && last.state === "too_long") {
      say(last.problem, true);
      addLink(message, box.dataset.storyUrl, box.dataset.msgOpen);
    } else {
      say(box.dataset.msgDone);
      addLink(message, box.dataset.storyUrl, box.dataset.msgOpen);
    }
  }

  function addLink(where, href, text) {
    var link = document.createElement("a");
    link.href = href;
    link.textContent = text;
    link.className = "ms-1";
    where.appendChild(link);
  }

  function setUpField(field) {
    var formats = (field.dataset.videoFormats || "").split(" ");
    var select = document.getElementById("id_format");
    function toggle() {
      field.hidden = select ? formats.indexOf(select.value) === -1 : false;
    }
    if (select) select.addEventListener("change", toggle);
    toggle();
    var box = field.querySelector("[data-video-upload]");
    if (!box) return;
    var input = box.querySelector("[data-video-input]");
    input.addEventListener("change", function () {
      if (input.files && input.files[0]) upload(box, input.files[0]);
    });
  }

  // The story page: follow the conversion, then show the finished video.
  // What the page shows changes between these steps: it is loaded again when one ends.
  function step(state) {
    if (state === "checking") return "checking";
    if (state === "queued" || state === "converting") return "converting";
    return "done";
  }

  function follow(panel) {
    var state = panel.dataset.state;
    var coverState = panel.dataset.coverState;
    if (step(state) === "done" && coverState !== "making") return;
    var bar = panel.querySelector("[data-video-progress]");
    var label = panel.querySelector("[data-video-label]");
    var timer = setInterval(function () {
      getStatus(panel.dataset.statusUrl).then(function (status) {
        if (bar) bar.value = status.progress;
        if (label) label.textContent = status.label + (status.state === "converting" ? " (" + status.progress + " %)" : "");
        if (step(status.state) !== step(state) || status.cover_state !== coverState) {
          clearInterval(timer);
          window.location.reload();
        }
      }).catch(function () { /* offline for a moment: the next tick tries again */ });
    }, 2000);
  }

  function setUpCover() {
    var button = document.querySelector("[data-use-moment]");
    var player = document.querySelector("[data-testid='video-preview']");
    var seconds = document.getElementById("id_cover_seconds");
    if (!button || !player || !seconds) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      seconds.value = player.currentTime.toFixed(2);
      var frame = document.querySelector("input[name='cover'][value='frame']");
      if (frame) frame.checked = true;
    });
  }

  // Arriving at the form's video part (after "Save the draft and add the video", or a link to
  // it): the file chooser has the focus, ready to be opened.
  function focusChooser() {
    if (window.location.hash !== "#video") return;
    var input = document.querySelector("[data-video-field]:not([hidden]) [data-video-input]");
    if (!input) return;
    input.scrollIntoView({ block: "center" });
    input.focus({ preventScroll: true });
  }

  function start() {
    document.querySelectorAll("[data-video-field]").forEach(setUpField);
    // After the browser's own move to #video at load, which takes the focus away.
    if (document.readyState === "complete") {
      focusChooser();
    } else {
      window.addEventListener("load", function () { setTimeout(focusChooser, 0); }, { once: true });
    }
    document.querySelectorAll("[data-video-status]").forEach(follow);
    setUpCover();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
