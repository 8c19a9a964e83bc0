// The sources page follows a "Fetch now" running in the background: its line says how far the job got
// (GET /jobs/ID), and the page reloads once it is over, so the table shows the new counts. Without
// scripts, the page refreshes itself (a <noscript> meta refresh) until the job is over.
(function () {
  "use strict";
  var line = document.getElementById("fetch-job");
  if (!line || line.dataset.finished === "true" || !window.fetch) return;
  var url = "/jobs/" + encodeURIComponent(line.dataset.job);
  var wait = 400;
  var failures = 0;

  function check() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 404) return { finished: true };  // forgotten (a restart): the page says so
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (job) {
        failures = 0;
        if (job.message) line.textContent = job.message;
        if (job.finished) {
          window.location.reload();
          return;
        }
        wait = Math.min(wait * 1.5, 3000);
        window.setTimeout(check, wait);
      })
      .catch(function () {
        failures += 1;
        if (failures < 20) window.setTimeout(check, 3000);  // the server is restarting, or the network is down
      });
  }

  window.setTimeout(check, wait);
})();
