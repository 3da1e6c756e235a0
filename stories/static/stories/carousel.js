/* Previous and next for the Instagram preview of a carousel; swiping and scrolling still work. */
(function () {
  "use strict";

  function setUp(preview) {
    var track = preview.querySelector("[data-ig-track]");
    var controls = preview.querySelector("[data-ig-controls]");
    if (!track || !controls) {
      return;
    }
    var slides = track.querySelectorAll("[data-ig-slide]");
    var prev = controls.querySelector("[data-ig-prev]");
    var next = controls.querySelector("[data-ig-next]");
    var position = controls.querySelector("[data-ig-position]");
    var current = 0;

    function show(index) {
      current = Math.max(0, Math.min(slides.length - 1, index));
      track.scrollTo({ left: slides[current].offsetLeft - track.offsetLeft, behavior: "auto" });
      update();
    }

    function update() {
      prev.disabled = current === 0;
      next.disabled = current === slides.length - 1;
      position.textContent = current + 1 + " / " + slides.length;
    }

    track.addEventListener("scroll", function () {
      if (track.clientWidth > 0) {
        current = Math.round(track.scrollLeft / track.clientWidth);
        update();
      }
    });
    prev.addEventListener("click", function () {
      show(current - 1);
    });
    next.addEventListener("click", function () {
      show(current + 1);
    });
    controls.hidden = false;
    update();
  }

  document.querySelectorAll("[data-ig-carousel]").forEach(setUp);
})();
