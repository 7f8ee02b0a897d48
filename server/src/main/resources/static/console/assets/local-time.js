// Shows each audit event's time in the reader's own time zone beside the UTC time (no inline script: CSP).
document.querySelectorAll('.local-time[data-utc]').forEach(function (element) {
  element.textContent = 'local: ' + new Date(element.getAttribute('data-utc')).toLocaleString();
});
