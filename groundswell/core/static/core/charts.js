/* Draws the charts of a page from JSON put there with json_script; no inline scripts.
 *
 * <canvas data-chart="line|bar" data-chart-source="ID" [data-chart-index="N"]>: ID is the
 * json_script element; line charts take {labels, series: [{label, data}]}, bar charts take
 * a list of {title, labels, data} and draw item N. Charts are redrawn after HTMX swaps.
 * Every chart on the page has a table with the same figures next to it.
 */
(function () {
  "use strict";
  var palette = ["#0b6e4f", "#b54708", "#1d4ed8", "#7a2e8e"];

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function lineConfig(data) {
    return {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, index) {
          return {
            label: series.label,
            data: series.data,
            borderColor: palette[index % palette.length],
            backgroundColor: palette[index % palette.length],
            spanGaps: true,
            tension: 0.2
          };
        })
      },
      options: { responsive: true, aspectRatio: 2.5, animation: false }
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
      var existing = window.Chart.getChart(canvas);
      if (existing) {
        existing.destroy();
      }
      if (canvas.dataset.chart === "line") {
        new window.Chart(canvas, lineConfig(data));
      } else if (canvas.dataset.chart === "bar") {
        var item = data[Number(canvas.dataset.chartIndex || 0)];
        if (item) {
          new window.Chart(canvas, barConfig(item));
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
