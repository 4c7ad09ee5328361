// 撤下 asks first: the current pages stop showing the form at once.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset ? event.target.dataset.confirm : "";
  if (message && !window.confirm(message)) event.preventDefault();
});
