// Measures the HTML report as Chromium laid it out and appends what it found, as JSON, in a
// pre element with the id flopcast-probe, which --dump-dom then carries out
// (see check-report-in-browser).
(function () {
  "use strict";
  const found = { width: window.innerWidth, charts: [], overlaps: [], outside: [] };

  // Charts: each as wide as the text column, and centred in it.
  const body = document.body.getBoundingClientRect();
  const style = getComputedStyle(document.body);
  const column = {
    left: body.left + parseFloat(style.paddingLeft),
    right: body.right - parseFloat(style.paddingRight),
  };
  for (const svg of document.querySelectorAll("figure.chart > svg")) {
    const r = svg.getBoundingClientRect();
    found.charts.push({
      title: (svg.querySelector(".title") || {}).textContent || "?",
      width: r.width,
      column: column.right - column.left,
      left_gap: r.left - column.left,
      right_gap: column.right - r.right,
    });
  }

  // Text in every chart: no two boxes overlap, none leaves its chart.
  for (const svg of document.querySelectorAll("svg")) {
    const frame = svg.getBoundingClientRect();
    const boxes = [];
    for (const t of svg.querySelectorAll("text")) {
      const text = t.textContent.trim();
      if (!text) continue;
      const r = t.getBoundingClientRect();
      boxes.push({ text, left: r.left, right: r.right, top: r.top, bottom: r.bottom });
      if (r.left < frame.left - 0.5 || r.right > frame.right + 0.5 ||
          r.top < frame.top - 0.5 || r.bottom > frame.bottom + 0.5) {
        found.outside.push(text);
      }
    }
    // Glyph boxes carry the font's full line height: allow a pixel of touching.
    const slack = 1.0;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > slack && h > slack) found.overlaps.push([a.text, b.text]);
      }
    }
  }

  // The text a reader reads first: everything but keys in small type, code, and the scenario
  // file as written.
  const copy = document.body.cloneNode(true);
  for (const n of copy.querySelectorAll(".key, code, pre, details, .tech, script")) n.remove();
  const parts = [];
  const walk = (n) => {
    if (n.nodeType === Node.TEXT_NODE) parts.push(n.textContent);
    for (const c of n.childNodes) walk(c);
    if (n.nodeType === Node.ELEMENT_NODE && /^(p|div|td|th|text|tspan|h1|h2|figcaption|li)$/i.test(n.nodeName)) parts.push(" ");
  };
  walk(copy);
  found.primary_text = parts.join("").replace(/\s+/g, " ");

  const out = document.createElement("pre");
  out.id = "flopcast-probe";
  out.textContent = JSON.stringify(found);
  document.body.appendChild(out);
})();
