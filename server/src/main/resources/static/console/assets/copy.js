// Copy buttons: <button data-copy="ID"> copies the value of the element #ID and says so in its
// status element (data-copy-status="ID"). A static file because the CSP forbids inline script.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) {
    return;
  }
  var source = document.getElementById(button.getAttribute("data-copy"));
  var status = document.getElementById(button.getAttribute("data-copy-status"));
  var told = function (text) {
    if (status) {
      status.textContent = text;
    }
  };
  var fallback = function () {
    source.focus();
    source.select();
    told(document.execCommand("copy") ? "Copied." : "Selected: press Ctrl+C to copy.");
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(source.value).then(function () { told("Copied."); }, fallback);
  } else {
    fallback();
  }
});
