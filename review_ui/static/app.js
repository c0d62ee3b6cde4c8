// orderintake review UI: keyboard shortcuts and the product search box.
// Served from /static (the Content-Security-Policy forbids inline script). Text is always set
// with textContent, never innerHTML: nothing from a document or the catalogue becomes markup.
"use strict";

(function () {
  function typing(event) {
    const el = event.target;
    return el instanceof HTMLElement &&
      (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  }

  // ------------------------------------------------------------ row selection (queue and lines)
  function makeSelector(rows, onSelect) {
    let current = -1;
    function select(index, scroll) {
      if (!rows.length) return;
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows.forEach((row, i) => row.classList.toggle("selected", i === current));
      if (scroll !== false) rows[current].scrollIntoView({ block: "nearest" });
      if (onSelect) onSelect(rows[current]);
    }
    return {
      select: select,
      next: () => select(current + 1),
      previous: () => select(current < 0 ? 0 : current - 1),
      current: () => (current >= 0 ? rows[current] : null),
      indexOf: (row) => rows.indexOf(row),
    };
  }

  // ------------------------------------------------------------ queue page
  function setupQueue() {
    const rows = Array.from(document.querySelectorAll("#queue tbody tr[data-href]"));
    if (!rows.length) return;
    const selector = makeSelector(rows);
    rows.forEach((row) => {
      row.addEventListener("click", (event) => {
        if (event.target instanceof HTMLAnchorElement) return;
        window.location.href = row.dataset.href;
      });
    });
    document.addEventListener("keydown", (event) => {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "j") { selector.next(); event.preventDefault(); }
      else if (event.key === "k") { selector.previous(); event.preventDefault(); }
      else if (event.key === "Enter" && selector.current()) {
        window.location.href = selector.current().dataset.href;
      }
    });
  }

  // ------------------------------------------------------------ order page
  function setupDocument() {
    const form = document.getElementById("order-form");
    const rows = Array.from(document.querySelectorAll("#lines tbody tr.line"));
    const selector = makeSelector(rows);
    const search = document.getElementById("product-search");
    const results = document.getElementById("product-results");
    const approve = document.getElementById("approve-button");
    const reason = document.getElementById("reject-reason");
    let dirty = false;
    let submitting = false;

    if (form) {
      form.addEventListener("input", () => {
        dirty = true;
        const note = document.getElementById("unsaved-text");
        if (note) note.hidden = false;
      });
      form.addEventListener("submit", () => { submitting = true; });
    }
    document.querySelectorAll("form").forEach((f) => f.addEventListener("submit", () => { submitting = true; }));
    window.addEventListener("beforeunload", (event) => {
      if (dirty && !submitting) { event.preventDefault(); event.returnValue = ""; }
    });

    if (approve) {
      approve.addEventListener("click", (event) => {
        if (!window.confirm(approve.dataset.confirm || "OK?")) event.preventDefault();
      });
    }

    rows.forEach((row) => {
      row.addEventListener("focusin", () => selector.select(selector.indexOf(row), false));
      row.addEventListener("click", () => selector.select(selector.indexOf(row), false));
    });
    document.querySelectorAll(".anomaly[data-line]").forEach((item) => {
      item.addEventListener("click", (event) => {
        const row = document.getElementById("line-" + item.dataset.line);
        if (row) { selector.select(selector.indexOf(row)); event.preventDefault(); }
      });
    });
    // start on the first line that needs a look
    const firstProblem = rows.find((row) => row.classList.contains("has-anomaly"));
    if (firstProblem) selector.select(selector.indexOf(firstProblem), false);

    // ---------------------------------------------------------- product search
    let found = [];
    let active = -1;
    let timer = null;
    let lastQuery = "";

    function showResults() {
      results.replaceChildren();
      found.forEach((product, i) => {
        const item = document.createElement("li");
        item.setAttribute("role", "option");
        item.className = i === active ? "active" : "";
        if (!product.active) item.classList.add("inactive");
        const sku = document.createElement("span");
        sku.className = "mono";
        sku.textContent = product.sku;
        const name = document.createElement("span");
        name.textContent = " " + product.name + " (" + product.unit + ")";
        item.append(sku, name);
        item.addEventListener("mousedown", (event) => { event.preventDefault(); assign(product); });
        results.append(item);
      });
    }

    function assign(product) {
      const row = selector.current() || rows[0];
      if (!row) return;
      const input = row.querySelector("input.sku");
      const label = row.querySelector(".product-name");
      if (input) input.value = product.sku;
      if (label) label.textContent = product.name;
      dirty = true;
      const note = document.getElementById("unsaved-text");
      if (note) note.hidden = false;
      row.classList.add("edited");
      found = []; active = -1; showResults();
      search.value = "";
      search.blur();
    }

    async function runSearch() {
      const query = search.value.trim();
      if (query === lastQuery) return;
      lastQuery = query;
      if (!query) { found = []; showResults(); return; }
      try {
        const response = await fetch("/api/products?q=" + encodeURIComponent(query),
          { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok || search.value.trim() !== query) return;
        found = await response.json();
        active = found.length ? 0 : -1;
        showResults();
      } catch (err) {
        found = []; showResults();
      }
    }

    if (search && results) {
      search.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(runSearch, 150);
      });
      search.addEventListener("keydown", (event) => {
        if (event.key === "ArrowDown") { active = Math.min(found.length - 1, active + 1); showResults(); event.preventDefault(); }
        else if (event.key === "ArrowUp") { active = Math.max(0, active - 1); showResults(); event.preventDefault(); }
        else if (event.key === "Enter") {
          event.preventDefault();  // never submit the order form from the search box
          if (active >= 0 && found[active]) assign(found[active]);
        } else if (event.key === "Escape") { found = []; showResults(); search.blur(); }
      });
    }

    // ---------------------------------------------------------- shortcuts
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && typing(event)) { event.target.blur(); return; }
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "j") { selector.next(); event.preventDefault(); }
      else if (event.key === "k") { selector.previous(); event.preventDefault(); }
      else if (event.key === "/" && search) { search.focus(); event.preventDefault(); }
      else if (event.key === "a" && approve) { approve.click(); event.preventDefault(); }
      else if (event.key === "r" && reason) { reason.focus(); event.preventDefault(); }
      else if (event.key === "Enter" && selector.current()) {
        const input = selector.current().querySelector("input");
        if (input) { input.focus(); input.select(); event.preventDefault(); }
      }
    });
  }

  // ------------------------------------------------------------ pages waiting for the pipeline
  function setupRefresh() {
    // reload while documents are being processed, unless the person is choosing files or typing
    setTimeout(() => {
      const picking = Array.from(document.querySelectorAll("input[type=file]")).some((i) => i.files && i.files.length);
      const active = document.activeElement;
      const busy = active && ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName);
      if (!picking && !busy) window.location.reload();
      else setupRefresh();
    }, 4000);
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (document.body.classList.contains("refreshing")) setupRefresh();
    if (document.body.classList.contains("page-queue")) setupQueue();
    if (document.body.classList.contains("page-document")) setupDocument();
  });
})();
