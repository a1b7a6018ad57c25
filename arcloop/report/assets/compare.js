// arcloop comparison page: filters and sorts the task table, and draws a task when it is opened,
// one column per arm (with the helpers of grids.js, which comes first in the same script).
(() => {
  "use strict";

  const { el, money, gridFigure, codeBlock, verdict, unpack, taskTable } = arcloop;
  const data = JSON.parse(document.getElementById("compare-data").textContent);
  arcloop.setPalette(data.palette);
  const view = document.getElementById("task-view");

  function badge(s) {
    if (s === null || s === undefined) return el("span", { class: "badge" }, "unscored");
    if (s >= 1) return el("span", { class: "badge solved" }, "solved");
    if (s > 0) return el("span", { class: "badge partial" }, "partly");
    return el("span", { class: "badge failed" }, "failed");
  }

  function attempts(test) {
    return test.map((t, k) => {
      const row = el("div", { class: "row test-row" });
      const name = test.length > 1 ? `test ${k + 1} ` : "";
      t.attempts.forEach((a, j) => row.append(gridFigure(a, `${name}attempt ${j + 1}`, { max: 150, expected: t.expected })));
      if (!t.attempts.length) row.append(gridFigure(null, "no attempt"));
      return row;
    });
  }

  function programs(list) {
    if (!list.length) return [el("p", { class: "muted" }, "No program reached the vote.")];
    return list.map((p, k) => el("div", { class: "program" },
      el("span", { class: "program-head" },
        el("b", {}, k === 0 ? "Program of attempt 1" : "Program of attempt 2"),
        el("span", { class: "muted" }, ` · expert ${p.expert}, iteration ${p.iteration} · ${p.model} `),
        verdict(p.correct)),
      codeBlock(p.code)));
  }

  function side(run) {
    return el("section", { class: "side" },
      el("div", { class: "side-head" }, el("b", {}, run.run), badge(run.score), el("span", { class: "muted" }, money(run.cost_usd))),
      attempts(run.test),
      programs(run.programs));
  }

  function renderTask(d) {
    const test = d.arms[0].runs[0].test;
    const arms = el("div", { class: "arms" }, d.arms.map((arm) =>
      el("div", { class: "arm", "data-arm": arm.label }, el("h3", {}, "Arm " + arm.label), arm.runs.map(side))));
    arms.style.gridTemplateColumns = `repeat(${d.arms.length}, minmax(0, 1fr))`;
    const train = el("details", { class: "block" }, el("summary", {}, `Train pairs (${d.train.length})`),
      el("div", { class: "row" }, d.train.map((p, k) => el("div", { class: "pair" },
        gridFigure(p.input, `pair ${k + 1} input`, { max: 120 }), el("span", { class: "arrow" }, "→"),
        gridFigure(p.output, "output", { max: 120 })))));
    return [
      el("div", { class: "task-head" }, el("h2", {}, d.id)),
      el("h3", {}, "Test inputs and expected outputs"),
      el("div", { class: "row" }, test.map((t, k) => el("div", { class: "pair" },
        gridFigure(t.input, test.length > 1 ? `test ${k + 1} input` : "test input", { max: 150 }),
        el("span", { class: "arrow" }, "→"),
        gridFigure(t.expected, "expected", { max: 150 })))),
      train,
      el("h3", {}, "Each arm's attempts and programs"),
      arms,
    ];
  }

  // ---- the task table ----------------------------------------------------------------------
  const table = document.getElementById("tasks");
  const shown = document.getElementById("shown");
  const filterText = document.getElementById("filter-text");
  const filterSolved = document.getElementById("filter-solved");
  let current = null;

  async function openTask(index, { focus = false } = {}) {
    current = index;
    for (const r of rows) r.classList.toggle("selected", Number(r.dataset.index) === index);
    const id = rows.find((r) => Number(r.dataset.index) === index).dataset.id;
    history.replaceState(null, "", "#task=" + encodeURIComponent(id));
    view.replaceChildren(el("p", { class: "hint" }, `Loading ${id}…`));
    const d = await unpack("task-" + index);
    if (current !== index) return;  // another task was chosen meanwhile
    view.replaceChildren(...renderTask(d).flat());
    if (focus || view.getBoundingClientRect().top < 0) view.scrollIntoView({ block: "start" });
  }
  const tasks = taskTable(table, openTask);
  const rows = tasks.rows;

  // "solved" holds the labels of the arms that solved the task, e.g. "AB"
  function keep(solved, want) {
    if (want === "all") return true;
    if (want === "every") return solved.length === data.arms.length;
    if (want === "none") return solved.length === 0;
    if (want === "differ") return solved.length > 0 && solved.length < data.arms.length;
    return solved === want.slice("only-".length);
  }

  function applyFilter() {
    const query = filterText.value.trim().toLowerCase();
    let n = 0;
    for (const r of rows) {
      const ok = (!query || r.dataset.id.toLowerCase().includes(query)) && keep(r.dataset.solved, filterSolved.value);
      r.hidden = !ok;
      n += ok ? 1 : 0;
    }
    shown.textContent = `Showing ${n} of ${rows.length} tasks`;
  }

  // the task ids a verdict names open their task
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.task-link");
    if (!link) return;
    event.preventDefault();
    const id = decodeURIComponent(link.getAttribute("href").slice("#task=".length));
    const row = rows.find((r) => r.dataset.id === id);
    if (row) openTask(Number(row.dataset.index), { focus: true });
  });
  filterText.addEventListener("input", applyFilter);
  filterSolved.addEventListener("change", applyFilter);
  applyFilter();
  tasks.start();
})();
