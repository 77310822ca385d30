/* 利用承認書: a 印刷する button that opens the browser's print dialog. The button is in the
 * page hidden and shown only here, so without JavaScript only the Ctrl+P note remains. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print-button]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
