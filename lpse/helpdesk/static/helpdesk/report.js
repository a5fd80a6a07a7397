// Charts of the helpdesk report (data from the json_script element; the tables below the
// charts hold the same figures for screen readers and printing).
(function () {
  "use strict";
  var source = document.getElementById("helpdesk-chart-data");
  if (!source || !window.Chart) return;
  var data = JSON.parse(source.textContent);
  function draw(id, series, type) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    new window.Chart(canvas, {
      type: type,
      data: { labels: series.labels, datasets: [{ data: series.values, backgroundColor: "#0d6efd" }] },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  draw("chart-day", data.day, "line");
  draw("chart-channel", data.channel, "bar");
  draw("chart-category", data.category, "bar");
  draw("chart-requester_type", data.requester_type, "bar");
})();
