/* How Instagram will cut each photo: the rule of stories/crops.py, repeated for photos not yet
   uploaded (and for the order as it is being changed on the page). Keep the two in step.

   1. A post is shown at a ratio (width / height) between 4:5 (0.8) and 1.91:1.
   2. A single photo keeps its own ratio, brought into that range.
   3. A carousel shows every item at one ratio: the one the team chose, or else its first
      photo's (rule 2). It follows the first photo whenever the order changes.
   4. Unless the team set a crop by hand, the largest centred box of that ratio is kept: of a
      photo of ratio a cut to ratio r, min(a / r, r / a) is kept.
   5. A crop set by hand is kept while it still fits (a single photo: any ratio in range; a
      carousel item: the carousel's ratio, within 1 %).
   6. A photo that loses more than a quarter of itself is flagged. */
(function () {
  "use strict";
  var MIN_RATIO = 0.8;
  var MAX_RATIO = 1.91;
  var LOSS_LIMIT = 0.25;
  var RATIO_TOLERANCE = 0.01;
  var CHOSEN_RATIOS = { "4:5": 0.8, "1:1": 1.0, "1.91:1": 1.91 };

  function clampRatio(ratio) {
    return Math.max(MIN_RATIO, Math.min(MAX_RATIO, ratio));
  }

  function isClose(a, b, tolerance) {
    return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
  }

  function ratioLabel(ratio) {
    var code;
    for (code in CHOSEN_RATIOS) {
      if (isClose(ratio, CHOSEN_RATIOS[code], 0.005)) {
        return code;
      }
    }
    var best = null;
    for (var h = 1; h <= 20; h++) {
      for (var w = 1; w <= 40; w++) {
        var distance = Math.abs(w / h - ratio);
        if (best === null || distance < best.distance - 1e-12) {
          best = { w: w, h: h, distance: distance };
        }
      }
    }
    return best.w + ":" + best.h;
  }

  /* photo: {width, height, crop: {x, y, width, height} or null, cropByHand}
     story: {carousel: bool, first: {width, height} or null, chosen: "" or a code}
     Returns {ratio, kept, lost, flagged, box, label}, or null while the size is unknown. */
  function photoCut(photo, story) {
    if (!(photo.width > 0 && photo.height > 0)) {
      return null;
    }
    var own = photo.width / photo.height;
    var ratio;
    if (story.carousel) {
      if (CHOSEN_RATIOS[story.chosen]) {
        ratio = CHOSEN_RATIOS[story.chosen];
      } else if (story.first && story.first.width > 0 && story.first.height > 0) {
        ratio = clampRatio(story.first.width / story.first.height);
      } else {
        return null;
      }
    } else {
      ratio = clampRatio(own);
    }
    var box;
    var crop = photo.crop;
    var handKept = false;
    if (crop && photo.cropByHand && crop.width > 0 && crop.height > 0) {
      var cropRatio = (crop.width * photo.width) / (crop.height * photo.height);
      handKept = story.carousel
        ? isClose(cropRatio, ratio, RATIO_TOLERANCE)
        : cropRatio >= MIN_RATIO - 1e-9 && cropRatio <= MAX_RATIO + 1e-9;
      if (handKept && !story.carousel) {
        ratio = cropRatio;
      }
    }
    if (handKept) {
      box = crop;
    } else if (own > ratio) {
      var width = ratio / own;
      box = { x: (1 - width) / 2, y: 0, width: width, height: 1 };
    } else {
      var height = own / ratio;
      box = { x: 0, y: (1 - height) / 2, width: 1, height: height };
    }
    var kept = Math.max(0, Math.min(1, box.width)) * Math.max(0, Math.min(1, box.height));
    return {
      ratio: ratio,
      kept: kept,
      lost: 1 - kept,
      flagged: 1 - kept > LOSS_LIMIT + 1e-9,
      box: box,
      label: ratioLabel(ratio)
    };
  }

  window.cmsCropRule = { photoCut: photoCut, ratioLabel: ratioLabel };
})();
