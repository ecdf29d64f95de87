// Orders list: select orders for the bulk actions (one box, or every order on the page), and confirm
// destructive actions in a dialog first (Escape or "Go back" closes it and nothing is sent).
// Without JavaScript the same buttons work and the server asks on a page of its own.
(function () {
  "use strict";

  function boxes() {
    return Array.from(document.querySelectorAll('input[name="ids"][form="list-actions"]'));
  }

  function selected() {
    return boxes().filter(function (box) { return box.checked; }).length;
  }

  function orders(n) {
    return n === 1 ? "1 order" : n + " orders";
  }

  function refresh() {
    var all = boxes(), n = selected();
    document.querySelectorAll("[data-selected-count]").forEach(function (el) { el.textContent = n; });
    document.querySelectorAll("[data-bulk-action]").forEach(function (button) { button.disabled = n === 0; });
    var toggle = document.getElementById("select-all");
    if (toggle) {
      toggle.checked = all.length > 0 && n === all.length;
      toggle.indeterminate = n > 0 && n < all.length;
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.id === "select-all") {
      boxes().forEach(function (box) { box.checked = target.checked; });
    }
    if (target.id === "select-all" || (target.name === "ids" && target.form && target.form.id === "list-actions")) {
      refresh();
    }
  });
  document.addEventListener("htmx:afterSettle", refresh);  // new rows after a filter or page change
  document.addEventListener("DOMContentLoaded", refresh);
  window.addEventListener("pageshow", function () {  // coming back from the history: nothing is confirmed yet
    var form = document.getElementById("list-actions");
    if (form) { form.elements.confirmed.value = ""; }
    refresh();
  });

  var pending = null;  // the button whose action waits for the answer

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    var dialog = document.getElementById("confirm-dialog");
    if (!button || !button.form || !dialog) { return; }
    event.preventDefault();
    var n = selected();
    dialog.querySelector("[data-confirm-title]").textContent = button.dataset.confirm.replace("{orders}", orders(n));
    dialog.querySelector("[data-confirm-text]").textContent = button.dataset.confirmText || "";
    var ok = dialog.querySelector("[data-confirm-ok]");
    ok.textContent = button.dataset.confirmOk || "Yes";
    var reason = dialog.querySelector("[data-confirm-reason]");
    reason.hidden = !("confirmReason" in button.dataset);
    reason.querySelector("textarea").value = "";
    pending = button;
    dialog.returnValue = "";
    dialog.showModal();
    (reason.hidden ? ok : reason.querySelector("textarea")).focus();
  });

  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (dialog.id !== "confirm-dialog" || !pending) { return; }
    var button = pending;
    pending = null;
    if (dialog.returnValue !== "ok") { return; }
    var form = button.form;
    form.elements.reason.value = dialog.querySelector("[data-confirm-reason] textarea").value;
    form.elements.confirmed.value = "1";
    form.requestSubmit(button);
  }, true);  // "close" does not bubble: listen while it travels down
})();
