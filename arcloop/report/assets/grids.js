// arcloop pages (the run report, the comparison of runs): DOM helpers, number formats, ARC
// grids drawn on canvas, coloured code, and packed data. Every piece of run data is put in the
// page with textContent or canvas drawing: nothing from a run is ever parsed as HTML.
// Each page's own script follows this one in the same <script> element.
const arcloop = (() => {
  "use strict";

  let PALETTE = [];
  function setPalette(colours) { PALETTE = colours; }

  // ---- small DOM helpers -------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function money(usd) {
    if (!usd) return "$0";
    if (Math.abs(usd) >= 100) return "$" + Math.round(usd).toLocaleString("en-US");
    if (Math.abs(usd) >= 0.1) return "$" + usd.toFixed(2);
    return "$" + Number(usd.toPrecision(3));
  }
  function count(n) {
    if (Math.abs(n) >= 1e6) return (n / 1e6).toFixed(1) + "M";
    if (Math.abs(n) >= 1e4) return (n / 1e3).toFixed(1) + "k";
    return Math.round(n).toLocaleString("en-US");
  }
  function seconds(s) {
    if (s < 10) return s.toFixed(1) + " s";
    if (s < 60) return Math.round(s) + " s";
    const r = Math.round(s);
    if (r < 3600) return `${Math.floor(r / 60)}m ${String(r % 60).padStart(2, "0")}s`;
    return `${Math.floor(r / 3600)}h ${String(Math.floor((r % 3600) / 60)).padStart(2, "0")}m`;
  }
  const score = (v) => (v === null || v === undefined ? "—" : v.toFixed(2));
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

  // ---- grids -------------------------------------------------------------------------------
  const decode = (code) => code.split("|").map((row) => Array.from(row, Number));
  const dims = (g) => `${g.length}×${g[0].length}`;

  // The cells where ``grid`` differs from ``expected``, or null when their shapes differ.
  function wrongCells(grid, expected) {
    if (grid.length !== expected.length || grid[0].length !== expected[0].length) return null;
    const wrong = [];
    grid.forEach((row, r) => row.forEach((v, c) => { if (v !== expected[r][c]) wrong.push([r, c]); }));
    return wrong;
  }

  function drawGrid(grid, max, wrong) {
    const rows = grid.length, cols = grid[0].length;
    const cell = Math.max(3, Math.min(22, Math.floor(max / Math.max(rows, cols))));
    const gap = cell >= 6 ? 1 : 0;
    const width = cols * cell + gap, height = rows * cell + gap;
    const ratio = window.devicePixelRatio || 1;
    const canvas = el("canvas", { title: dims(grid), "data-rows": rows, "data-cols": cols });
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
    const g = canvas.getContext("2d");
    g.scale(ratio, ratio);
    g.fillStyle = "#3a3f47";
    g.fillRect(0, 0, width, height);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        g.fillStyle = PALETTE[grid[r][c]];
        g.fillRect(c * cell + gap, r * cell + gap, cell - gap, cell - gap);
      }
    }
    if (wrong && wrong.length) {
      // a wrong cell is crossed (big cells) or ringed (small ones), white over a dark edge so
      // the mark shows on every ARC colour
      for (const [r, c] of wrong) {
        const x = c * cell + gap, y = r * cell + gap, size = cell - gap;
        if (cell >= 12) {
          const inset = cell * 0.22;
          for (const [style, w] of [["rgba(0,0,0,0.75)", cell / 4.5], ["#ffffff", cell / 9]]) {
            g.strokeStyle = style;
            g.lineWidth = w;
            g.beginPath();
            g.moveTo(x + inset, y + inset); g.lineTo(x + size - inset, y + size - inset);
            g.moveTo(x + size - inset, y + inset); g.lineTo(x + inset, y + size - inset);
            g.stroke();
          }
        } else {
          g.lineWidth = 1;
          g.strokeStyle = "#000000";
          g.strokeRect(x + 0.5, y + 0.5, size - 1, size - 1);
          g.strokeStyle = "#ffffff";
          g.strokeRect(x + 1.5, y + 1.5, Math.max(size - 3, 0.5), Math.max(size - 3, 0.5));
        }
      }
    }
    return canvas;
  }

  // A captioned grid; with ``expected`` its wrong cells are crossed and the caption says how
  // it compares.
  function gridFigure(code, label, { max = 176, expected = null } = {}) {
    const fig = el("figure", { class: "grid" });
    if (code === null || code === undefined) {
      fig.append(el("div", { class: "nogrid" }, "no grid"), el("figcaption", {}, el("b", {}, label)));
      return fig;
    }
    const grid = decode(code);
    let note = dims(grid), cls = "", wrong = null;
    if (expected !== null && expected !== undefined) {
      const want = decode(expected);
      wrong = wrongCells(grid, want);
      if (wrong === null) { note += ` · wrong shape (want ${dims(want)})`; cls = "bad"; }
      else if (wrong.length === 0) { note += " · right"; cls = "ok"; }
      else { note += ` · ${plural(wrong.length, "wrong cell")}`; cls = "bad"; }
    }
    const canvas = drawGrid(grid, max, wrong);
    fig.style.maxWidth = Math.max(parseFloat(canvas.style.width), 100) + "px";  // captions wrap
    fig.append(canvas, el("figcaption", {}, el("b", {}, label), " ", el("span", { class: cls }, note)));
    return fig;
  }

  // ---- pieces of a task --------------------------------------------------------------------
  function codeBlock(segments) {
    const code = el("code");
    for (const seg of segments) {
      if (typeof seg === "string") code.append(seg);
      else code.append(el("span", { class: seg[0] }, seg[1]));
    }
    return el("pre", { class: "code" }, code);
  }

  const textBlock = (text, extra = "") => el("pre", { class: "text " + extra }, text);

  function verdict(correct) {
    if (correct === true) return el("span", { class: "chip ok" }, "matches expected");
    if (correct === false) return el("span", { class: "chip bad" }, "wrong");
    return null;
  }

  // ---- packed data: gzipped JSON in base64, in an inert <script> element ---------------------
  const unpacked = new Map();
  function unpack(id) {
    if (!unpacked.has(id)) {
      unpacked.set(id, (async () => {
        const text = document.getElementById(id).textContent.trim();
        const bytes = Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
        const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        return JSON.parse(await new Response(stream).text());
      })());
    }
    return unpacked.get(id);
  }

  // ---- a task table: sorted by a header, a row opened by click or keys, #task=ID at start ---
  // ``open(index, {focus})`` shows the task of the row with ``data-index`` = index. The rows
  // array is sorted in place, so a page may keep filtering it (``row.hidden``).
  function taskTable(table, open) {
    const rows = Array.from(table.tBodies[0].rows);
    function sortBy(th) {
      const col = th.cellIndex;
      const numeric = th.dataset.type === "num";
      const dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      for (const h of table.tHead.rows[0].cells) h.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      const value = (r) => r.cells[col].dataset.v ?? r.cells[col].textContent;
      rows.sort((a, b) => {
        const va = value(a), vb = value(b);
        const c = numeric ? Number(va) - Number(vb) : va.localeCompare(vb);
        return dir * c || Number(a.dataset.index) - Number(b.dataset.index);
      });
      table.tBodies[0].append(...rows);
    }
    table.tHead.addEventListener("click", (event) => {
      const th = event.target.closest("th");
      if (th) sortBy(th);
    });
    table.tBodies[0].addEventListener("click", (event) => {
      const tr = event.target.closest("tr");
      if (tr) open(Number(tr.dataset.index), { focus: window.innerWidth < 1200 });
    });
    table.tBodies[0].addEventListener("keydown", (event) => {
      const tr = event.target.closest("tr");
      if (!tr) return;
      const visible = rows.filter((r) => !r.hidden);
      const at = visible.indexOf(tr);
      let next = null;
      if (event.key === "ArrowDown") next = visible[at + 1];
      else if (event.key === "ArrowUp") next = visible[at - 1];
      else if (event.key === "Enter") next = tr;
      if (next) {
        event.preventDefault();
        next.focus();
        open(Number(next.dataset.index));
      }
    });
    function start() {
      let wanted = "";
      try {
        wanted = decodeURIComponent((location.hash.match(/^#task=(.*)$/) || [])[1] || "");
      } catch (err) {
        wanted = "";  // a mangled link opens the first task
      }
      const first = rows.find((r) => r.dataset.id === wanted) || rows[0];
      if (first) open(Number(first.dataset.index));
    }
    return { rows, start };
  }

  return {
    setPalette, el, money, count, seconds, score, plural, gridFigure, codeBlock, textBlock,
    verdict, unpack, taskTable,
  };
})();
