// A page that only passes the browser on (to an identity provider) submits its form by itself;
// without script, its button does the same.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());
