// Progressive enhancements that need no framework. The CSP forbids inline script, so the
// behaviours hang off data attributes.

// <form data-confirm="Question?">: ask before a destructive action.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
