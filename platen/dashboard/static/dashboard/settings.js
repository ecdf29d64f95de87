// Settings pages: confirmation dialogs and the copy button. Without JavaScript the links open the
// confirmation as a page and the server-asked dialog shows in place, so nothing depends on this file.
(function () {
  "use strict";

  // A link with data-dialog="id" opens <dialog id> as a modal (the browser closes it on Escape).
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.dataset.dialog);
      if (dialog && dialog.showModal) {
        event.preventDefault();
        dialog.showModal();
      }
      return;
    }
    var closer = event.target.closest("[data-dialog-close]");
    if (closer && closer.closest("dialog[open]")) {
      event.preventDefault();
      closer.closest("dialog").close();
      return;
    }
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
