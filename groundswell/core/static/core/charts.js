/* Draws the charts of a page from JSON put there with json_script; no inline scripts.
 *
 * <canvas data-chart="line|bar" data-chart-source="ID" [data-chart-index="N"]>: ID is the
 * json_script element. Both take a list of items and draw item N (0 when not given).
 *
 * A line item is one measure on its own axis, never two:
 *   {title, unit, min, max, labels, data, low, high, n, minimum}
 * `data` holds the figure per period, or null where the period had fewer than `minimum`
 * answers: the line breaks there (no line is drawn across a gap, and nothing is smoothed).
 * `low`/`high` (optional) are the 95% interval, drawn as a band around the line; `n` is the
 * number of answers per period, shown in the tooltip with the interval.
 *
 * A line item may instead hold `series: [{label, data}]`: several groups of the same measure
 * on the same axis (eNPS per group and wave), drawn with a legend.
 *
 * A bar item is {title, labels, data}: counts per score.
 *
 * Charts are redrawn after HTMX swaps. Every chart on the page has a table or caption with
 * the same figures next to it, so nothing is only in a picture.
 */
(function () {
  "use strict";
  var palette = ["#0b6e4f", "#b54708", "#1d4ed8", "#7a2e8e"];
  var band = "rgba(11, 110, 79, 0.15)";

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function format(value, unit) {
    if (value === null || value === undefined) {
      return "";
    }
    return String(value) + (unit || "");
  }

  function groupsConfig(item) {
    return {
      type: "line",
      data: {
        labels: item.labels,
        datasets: item.series.map(function (series, index) {
          return {
            label: series.label,
            data: series.data,
            borderColor: palette[index % palette.length],
            backgroundColor: palette[index % palette.length],
            spanGaps: false,
            tension: 0
          };
        })
      },
      options: {
        responsive: true,
        aspectRatio: 2.5,
        animation: false,
        scales: { y: { min: item.min, max: item.max } }
      }
    };
  }

  function lineConfig(item) {
    if (Array.isArray(item.series)) {
      return groupsConfig(item);
    }
    var datasets = [];
    var hasInterval = Array.isArray(item.low) && Array.isArray(item.high);
    if (hasInterval) {
      // Drawn first, the upper edge fills down to the lower one: the interval band.
      datasets.push({
        label: "high", data: item.high, borderWidth: 0, pointRadius: 0,
        backgroundColor: band, fill: "+1", spanGaps: false, tension: 0
      });
      datasets.push({
        label: "low", data: item.low, borderWidth: 0, pointRadius: 0,
        backgroundColor: band, fill: false, spanGaps: false, tension: 0
      });
    }
    datasets.push({
      label: item.title,
      data: item.data,
      borderColor: palette[0],
      backgroundColor: palette[0],
      spanGaps: false,
      tension: 0
    });
    var main = datasets.length - 1;
    return {
      type: "line",
      data: { labels: item.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { display: false },
          title: { display: false },
          tooltip: {
            filter: function (context) { return context.datasetIndex === main; },
            callbacks: {
              label: function (context) {
                var index = context.dataIndex;
                var text = item.title + ": " + format(context.raw, item.unit);
                if (hasInterval && item.low[index] !== null) {
                  text += " (95%: " + format(item.low[index], item.unit) + " to " +
                    format(item.high[index], item.unit) + ")";
                }
                return text;
              },
              afterLabel: function (context) {
                return item.n ? "n = " + item.n[context.dataIndex] : "";
              }
            }
          }
        },
        scales: { y: { min: item.min, max: item.max } }
      }
    };
  }

  function barConfig(item) {
    return {
      type: "bar",
      data: {
        labels: item.labels,
        datasets: [{ label: item.title, data: item.data, backgroundColor: palette[0] }]
      },
      options: {
        responsive: true,
        aspectRatio: 1.6,
        animation: false,
        plugins: { legend: { display: false }, title: { display: true, text: item.title } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    };
  }

  function draw(root) {
    if (typeof window.Chart === "undefined") {
      return;
    }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var data = readJson(canvas.dataset.chartSource);
      if (!data) {
        return;
      }
      var item = Array.isArray(data) ? data[Number(canvas.dataset.chartIndex || 0)] : data;
      if (!item) {
        return;
      }
      var existing = window.Chart.getChart(canvas);
      if (existing) {
        existing.destroy();
      }
      var config = canvas.dataset.chart === "line" ? lineConfig(item) : barConfig(item);
      new window.Chart(canvas, config);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
