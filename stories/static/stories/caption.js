/* Live counters for the caption, counted as the server counts (stories/captions.py):
   length in code points ([...s].length, so an emoji counts once), hashtags and @-mentions with
   the same expressions as HASHTAG_PATTERN and MENTION_PATTERN there. */
(function () {
  "use strict";
  var HASHTAG = /(?<![\p{L}\p{N}_#])#[\p{L}\p{N}_]*[\p{L}\p{N}]/gu;
  var MENTION = /(?<![\p{L}\p{N}_@.])@[A-Za-z0-9._]*[A-Za-z0-9_]/gu;

  function count(pattern, text) {
    var found = text.match(pattern);
    return found ? found.length : 0;
  }

  function captionCounts(text) {
    return {
      chars: [...text].length,
      hashtags: count(HASHTAG, text),
      mentions: count(MENTION, text)
    };
  }
  window.cmsCaptionCounts = captionCounts;

  var counter = document.querySelector("[data-caption-counter]");
  var input = document.querySelector("[data-caption-input]");
  if (!counter || !input) {
    return;
  }
  var limits = {
    chars: parseInt(counter.dataset.maxChars, 10),
    hashtags: parseInt(counter.dataset.maxHashtags, 10),
    mentions: parseInt(counter.dataset.maxMentions, 10)
  };

  function update() {
    var counts = captionCounts(input.value);
    Object.keys(counts).forEach(function (name) {
      var part = counter.querySelector("[data-counter=" + name + "]");
      if (!part) {
        return;
      }
      document.getElementById("caption-" + name).textContent = String(counts[name]);
      part.classList.toggle("counter-over", counts[name] > limits[name]);
    });
  }

  input.addEventListener("input", update);
  update();
})();
