// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // Upload progress for forms marked data-upload-progress: shows a progress bar while the
  // browser sends the files (the server streams and checks them as they arrive).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-upload-progress]") || !window.XMLHttpRequest) return;
    var bar = form.querySelector(".progress-bar");
    if (!bar) return;
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open(form.method || "POST", form.action || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var pct = Math.round((e.loaded / e.total) * 100);
      bar.style.width = pct + "%";
      bar.setAttribute("aria-valuenow", pct);
      bar.textContent = pct + "%";
    });
    xhr.addEventListener("load", function () {
      if (xhr.responseURL && xhr.responseURL !== window.location.href && xhr.status < 400) {
        window.location.href = xhr.responseURL;
      } else {
        document.open(); document.write(xhr.responseText); document.close();
      }
    });
    bar.parentElement.classList.remove("d-none");
    xhr.send(new FormData(form));
  });
})();
