// Monitoring dashboard charts (Chart.js, served locally). Data: /operations/series/?range=…
(function () {
  "use strict";
  var container = document.getElementById("charts");
  if (!container || typeof Chart === "undefined") { return; }
  var charts = {};
  var palette = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997", "#6c757d"];

  function card(key, title) {
    var col = document.createElement("div");
    col.className = "col-lg-6";
    var fig = document.createElement("figure");
    fig.className = "card card-body mb-0";
    var caption = document.createElement("figcaption");
    caption.className = "h6";
    caption.textContent = title;
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", title);
    canvas.id = "chart-" + key;
    fig.appendChild(caption);
    fig.appendChild(canvas);
    col.appendChild(fig);
    container.appendChild(col);
    return canvas;
  }

  function draw(data) {
    Object.keys(data.charts).forEach(function (key) {
      var spec = data.charts[key];
      var datasets = spec.datasets.map(function (ds, i) {
        return { label: ds.label, data: ds.data, spanGaps: true, borderColor: palette[i % palette.length],
                 backgroundColor: palette[i % palette.length], tension: 0.2 };
      });
      if (charts[key]) {
        charts[key].data.labels = data.labels;
        charts[key].data.datasets = datasets;
        charts[key].update();
        return;
      }
      var canvas = card(key, spec.title);
      charts[key] = new Chart(canvas, {
        type: spec.type,
        data: { labels: data.labels, datasets: datasets },
        // Numbers (axes, tooltips) in the page's language: 23,7 on an Indonesian page.
        options: { responsive: true, animation: false, locale: document.documentElement.lang || undefined,
                   scales: spec.stacked ? { x: { stacked: true }, y: { stacked: true, beginAtZero: true } }
                                        : { y: { beginAtZero: true } } }
      });
    });
    container.setAttribute("data-loaded", "true");
  }

  function load(range) {
    fetch(container.dataset.url + "?range=" + encodeURIComponent(range), { credentials: "same-origin" })
      .then(function (r) { return r.json(); }).then(draw);
  }

  document.querySelectorAll("#chart-ranges [data-range]").forEach(function (button) {
    button.addEventListener("click", function () {
      document.querySelectorAll("#chart-ranges [data-range]").forEach(function (b) {
        b.classList.remove("active"); b.setAttribute("aria-pressed", "false");
      });
      button.classList.add("active"); button.setAttribute("aria-pressed", "true");
      load(button.dataset.range);
    });
  });
  load("days");
})();
