// Shows the elapsed service time of an open verification session (mm:ss).
(function () {
  "use strict";
  var el = document.getElementById("timer");
  if (!el) { return; }
  var started = parseInt(el.getAttribute("data-started"), 10) * 1000;
  function tick() {
    var seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    el.textContent = minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }
  tick();
  setInterval(tick, 1000);
})();
