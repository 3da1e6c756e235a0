/* A movable, resizable crop box over a photo. It only edits the four number inputs of its form
   (fractions of the upright photo); the server clamps whatever arrives, so this stays simple. */
(function () {
  "use strict";
  var MIN_RATIO = 0.8;
  var MAX_RATIO = 1.91;

  function clamp(value, low, high) {
    return Math.max(low, Math.min(high, value));
  }

  function setUp(tool) {
    var img = tool.querySelector("img");
    var form = document.getElementById(tool.dataset.form);
    if (!img || !form) {
      return;
    }
    var inputs = {
      x: form.elements.namedItem("crop_x"),
      y: form.elements.namedItem("crop_y"),
      width: form.elements.namedItem("crop_width"),
      height: form.elements.namedItem("crop_height")
    };
    var fixedRatio = parseFloat(tool.dataset.targetRatio || "");
    var box = document.createElement("div");
    box.className = "crop-box";
    box.setAttribute("aria-hidden", "true");
    var handle = document.createElement("div");
    handle.className = "crop-handle";
    box.appendChild(handle);
    tool.appendChild(box);

    function read() {
      return {
        x: parseFloat(inputs.x.value) || 0,
        y: parseFloat(inputs.y.value) || 0,
        width: parseFloat(inputs.width.value) || 1,
        height: parseFloat(inputs.height.value) || 1
      };
    }

    function write(crop) {
      inputs.x.value = crop.x.toFixed(4);
      inputs.y.value = crop.y.toFixed(4);
      inputs.width.value = crop.width.toFixed(4);
      inputs.height.value = crop.height.toFixed(4);
    }

    function draw() {
      var crop = read();
      box.style.left = crop.x * 100 + "%";
      box.style.top = crop.y * 100 + "%";
      box.style.width = crop.width * 100 + "%";
      box.style.height = crop.height * 100 + "%";
    }

    function pixelRatio(crop) {
      // Width over height in pixels of the photo, which the displayed image shares.
      return (crop.width * img.naturalWidth) / (crop.height * img.naturalHeight);
    }

    var drag = null;

    function onDown(event) {
      event.preventDefault();
      var crop = read();
      drag = {
        mode: event.target === handle ? "resize" : "move",
        startX: event.clientX,
        startY: event.clientY,
        crop: crop,
        ratio: fixedRatio > 0 ? fixedRatio : clamp(pixelRatio(crop), MIN_RATIO, MAX_RATIO)
      };
      box.setPointerCapture(event.pointerId);
    }

    function onMove(event) {
      if (!drag) {
        return;
      }
      var dx = (event.clientX - drag.startX) / img.clientWidth;
      var dy = (event.clientY - drag.startY) / img.clientHeight;
      var start = drag.crop;
      var crop;
      if (drag.mode === "move") {
        crop = {
          x: clamp(start.x + dx, 0, 1 - start.width),
          y: clamp(start.y + dy, 0, 1 - start.height),
          width: start.width,
          height: start.height
        };
      } else {
        var aspect = img.naturalWidth / img.naturalHeight;
        var width = clamp(start.width + dx, 0.05, 1 - start.x);
        var height = (width * aspect) / drag.ratio;
        if (start.y + height > 1) {
          height = 1 - start.y;
          width = (height * drag.ratio) / aspect;
        }
        crop = { x: start.x, y: start.y, width: width, height: height };
      }
      write(crop);
      draw();
    }

    function onUp(event) {
      if (drag) {
        box.releasePointerCapture(event.pointerId);
        drag = null;
      }
    }

    box.addEventListener("pointerdown", onDown);
    box.addEventListener("pointermove", onMove);
    box.addEventListener("pointerup", onUp);
    box.addEventListener("pointercancel", onUp);
    Object.keys(inputs).forEach(function (key) {
      inputs[key].addEventListener("input", draw);
    });
    if (img.complete) {
      draw();
    } else {
      img.addEventListener("load", draw);
    }
  }

  document.querySelectorAll("[data-crop-tool]").forEach(setUp);
})();
