// Draws the dashboard's charts with Chart.js from the data the page carries in a JSON element
// (the strict Content-Security-Policy allows no inline script). The tables beside the charts
// hold the same numbers for screen readers and for anyone without JavaScript.
(function () {
  "use strict";

  function percentTick(value) {
    return value + " %";
  }

  function draw(spec, language) {
    var canvas = document.getElementById(spec.id);
    if (!canvas || !window.Chart) {
      return;
    }
    var numberFormat = new Intl.NumberFormat(language);
    var datasets = spec.datasets.map(function (dataset) {
      var colours = spec.labels.map(function (_label, index) {
        return spec.highlight.indexOf(index) >= 0 ? "#c0392b" : dataset.colour;
      });
      return {
        label: dataset.label,
        data: dataset.data,
        borderColor: spec.type === "bar" ? colours : dataset.colour,
        backgroundColor: spec.type === "bar" ? colours : dataset.colour,
        spanGaps: true,
        pointRadius: spec.labels.length > 40 ? 0 : 2,
        tension: 0.2,
      };
    });
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          // Categories (ages, countries, objectives) all keep their label; days and weeks thin out.
          x: {
            stacked: spec.stacked,
            ticks: spec.type === "bar" && spec.labels.length <= 12 && !spec.stacked
              ? { autoSkip: false, maxRotation: 45 }
              : { autoSkip: true, maxRotation: 0 },
          },
          y: {
            stacked: spec.stacked,
            beginAtZero: true,
            ticks: {
              callback: function (value) {
                return spec.percent ? percentTick(numberFormat.format(value)) : numberFormat.format(value);
              },
            },
          },
        },
        plugins: {
          legend: { display: datasets.length > 1 },
          tooltip: {
            callbacks: {
              label: function (context) {
                var value = context.parsed.y;
                var text = value === null ? "—" : numberFormat.format(value);
                return context.dataset.label + ": " + (spec.percent ? percentTick(text) : text);
              },
            },
          },
        },
      },
    });
  }

  function start() {
    var source = document.getElementById("analytics-charts");
    if (!source) {
      return;
    }
    var language = document.documentElement.lang || "en";
    JSON.parse(source.textContent).forEach(function (spec) {
      draw(spec, language);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
