// Settings pages: server-asked dialogs and the copy button. Without JavaScript the links open the
// confirmation as a page and the server-asked dialog shows in place, so nothing depends on this file.
(function () {
  "use strict";

  // Dialogs (data-dialog, data-dialog-close) are opened and closed by platen.js, on every page.
  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      copyText(document.getElementById(copy.dataset.copy), copy);
    }
  });

  // A dialog the server asks (data-modal, rendered open for browsers without JavaScript) becomes a modal.
  document.querySelectorAll("dialog[data-modal][open]").forEach(function (dialog) {
    if (dialog.showModal) {
      dialog.close();
      dialog.showModal();
    }
  });

  function copyText(source, button) {
    if (!source) return;
    var done = function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.textContent.trim()).then(done, function () { select(source); });
    } else {
      select(source);
      if (document.execCommand && document.execCommand("copy")) done();
    }
  }

  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
})();
