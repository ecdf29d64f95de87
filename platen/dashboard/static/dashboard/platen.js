// Every dashboard page: the viewer's time zone for the server, and confirmations that close with Escape.
// Nothing depends on this file: without it times are in UTC (and say so) and confirmations still work.
(function () {
  "use strict";

  // The browser's zone (IANA name) in a cookie; the server shows times in it from the next page on.
  var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && document.cookie.split("; ").indexOf("platen_tz=" + encodeURIComponent(zone)) === -1) {
    document.cookie = "platen_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }

  // Each table cell knows its column's name, which a phone shows above it (the rows are cards there).
  function labelCells(root) {
    root.querySelectorAll("table.table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, n) {
          if (heads[n] && !cell.hasAttribute("data-label") && !cell.hasAttribute("colspan")) { cell.setAttribute("data-label", heads[n]); }
        });
      });
    });
  }
  labelCells(document);
  document.addEventListener("htmx:afterSettle", function (event) { labelCells(event.target); });

  // <button data-dialog="id"> opens <dialog id> as a modal (the browser closes a modal on Escape);
  // [data-dialog-close] inside it closes it.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.dataset.dialog);
      if (dialog && dialog.showModal) {
        event.preventDefault();
        if (!dialog.open) { dialog.showModal(); }
      }
      return;
    }
    var closer = event.target.closest("[data-dialog-close]");
    if (closer && closer.closest("dialog[open]")) {
      event.preventDefault();
      closer.closest("dialog").close();
      return;
    }
    // A click outside an open confirmation closes it, as a dialog's backdrop would.
    document.querySelectorAll("details.confirm[open]").forEach(function (confirm) {
      if (!confirm.contains(event.target)) { confirm.open = false; }
    });
  });

  // Escape closes an open confirmation (details.confirm, which works without JavaScript) and gives
  // the focus back to the button that opened it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details.confirm[open]").forEach(function (confirm) {
      confirm.open = false;
      var summary = confirm.querySelector("summary");
      if (summary) { summary.focus(); }
    });
  });
})();
