// Progressive enhancements that need no framework. The CSP forbids inline script, so the
// behaviours hang off data attributes.

// <form data-confirm="Question?">: ask before a destructive action.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// <span data-countdown-to="ISO time">: counts down the seconds left, e.g. a manual sync's
// cooldown, and says "now" when it is over.
function tickCountdowns() {
  for (const el of document.querySelectorAll("[data-countdown-to]")) {
    const left = Math.ceil((Date.parse(el.dataset.countdownTo) - Date.now()) / 1000);
    el.textContent = left > 0 ? `${left} s` : "0 s (now)";
  }
}
setInterval(tickCountdowns, 1000);
