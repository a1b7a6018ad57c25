// arcloop run report: sorts and filters the task table, and draws a task when it is opened
// (with the helpers of grids.js, which comes first in the same script).
(() => {
  "use strict";

  const { el, money, count, seconds, score, plural, gridFigure, codeBlock, textBlock, verdict, unpack, taskTable } = arcloop;
  const run = JSON.parse(document.getElementById("run-data").textContent);
  arcloop.setPalette(run.palette);
  const view = document.getElementById("task-view");

  const STOPS = {
    solved: "passed every train pair", iterations: "used every iteration", budget: "budget ran out",
    provider_error: "provider failed", no_programs: "found no program",
  };

  function meter(value, passed) {
    const bar = el("span", { class: "meter" + (passed ? " full" : ""), title: `train score ${score(value)}` }, el("i"));
    bar.firstChild.style.width = Math.round(100 * (value || 0)) + "%";
    return bar;
  }

  function sparkline(iterations) {
    const ns = "http://www.w3.org/2000/svg";
    const w = 7, h = 16;
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "spark");
    svg.setAttribute("width", String(iterations.length * w));
    svg.setAttribute("height", String(h));
    iterations.forEach((it, i) => {
      for (const [cls, value] of [["base", 1], [it.passed ? "full" : "", it.train_score || 0]]) {
        const bar = document.createElementNS(ns, "rect");
        const bh = cls === "base" ? 1 : Math.max(1, value * (h - 2));
        bar.setAttribute("x", String(i * w));
        bar.setAttribute("y", String(h - bh));
        bar.setAttribute("width", String(w - 2));
        bar.setAttribute("height", String(bh));
        if (cls) bar.setAttribute("class", cls);
        svg.append(bar);
      }
    });
    const title = document.createElementNS(ns, "title");
    title.textContent = "train score by iteration: " + iterations.map((it) => score(it.train_score)).join(", ");
    svg.append(title);
    return svg;
  }

  function testSection(d) {
    return d.test.map((t, k) => {
      const row = el("div", { class: "row test-row" });
      const name = d.test.length > 1 ? `test ${k + 1} ` : "test ";
      row.append(gridFigure(t.input, name + "input"));
      t.attempts.forEach((a, j) => row.append(gridFigure(a, `attempt ${j + 1}`, { expected: t.expected })));
      if (!t.attempts.length) row.append(gridFigure(null, "no attempt"));
      if (t.expected) row.append(gridFigure(t.expected, "expected"));
      return row;
    });
  }

  function trainSection(d) {
    return el("div", { class: "row" }, d.train.map((p, k) =>
      el("div", { class: "pair" },
        gridFigure(p.input, `pair ${k + 1} input`, { max: 140 }),
        el("span", { class: "arrow" }, "→"),
        gridFigure(p.output, "output", { max: 140 }))));
  }

  function voteSection(d) {
    if (!d.vote.length) return el("p", { class: "muted" }, "No expert offered an output.");
    const expected = d.test.map((t) => t.expected);
    const body = d.vote.map((g) => el("tr", {},
      el("td", {}, "#" + g.rank),
      el("td", {}, plural(g.size, "expert")),
      el("td", { class: "mono", title: g.members.map(([e, i]) => `expert ${e}, iteration ${i}`).join("; ") },
        g.members.map(([e, i]) => `e${e}·i${i}`).join(" ")),
      el("td", {}, g.passed ? el("span", { class: "chip ok" }, "passes train") : el("span", { class: "chip" }, "fails train")),
      el("td", {}, score(g.best_score)),
      el("td", {}, el("div", { class: "row" }, g.outputs.map((o, k) => gridFigure(o, d.test.length > 1 ? `test ${k + 1}` : "", { max: 64, expected: expected[k] })))),
      el("td", {}, verdict(g.correct))));
    return el("table", { class: "vote" },
      el("thead", {}, el("tr", {}, ["rank", "size", "members (expert·iteration)", "train", "best score", "outputs", ""].map((h) => el("th", {}, h)))),
      el("tbody", {}, body));
  }

  function programSection(d) {
    if (!d.programs.length) return [el("p", { class: "muted" }, "No program reached the vote.")];
    return d.programs.map((p, k) => {
      const head = el("span", { class: "program-head" },
        el("b", {}, k === 0 ? "Winning program" : "Runner-up program"),
        el("span", { class: "muted" }, ` · vote group #${p.rank} · expert ${p.expert}, iteration ${p.iteration} · ${p.model} `),
        verdict(p.correct));
      if (k === 0) return el("div", {}, head, codeBlock(p.code));
      const more = el("details", { class: "program" }, el("summary", {}, head));
      more.append(codeBlock(p.code));
      return more;
    });
  }

  // Built on first opening: a task with 8 experts x 10 iterations stays light until looked at.
  function lazyDetails(cls, summary, build) {
    const det = el("details", { class: cls }, el("summary", {}, summary));
    det.addEventListener("toggle", () => {
      if (det.open && !det.dataset.built) {
        det.dataset.built = "1";
        det.append(el("div", { class: "body" }, build()));
      }
    });
    return det;
  }

  function iterationBody(it, d) {
    const parts = [];
    if (it.extraction_error) parts.push(el("div", {}, el("div", { class: "label" }, "Error"), textBlock(it.extraction_error, "error")));
    const outputs = el("div", { class: "outputs" });
    if (it.train.some((g) => g !== null)) {
      outputs.append(el("div", {}, el("div", { class: "label" }, "Train outputs (wrong cells crossed)"),
        el("div", { class: "row" }, it.train.map((g, k) => gridFigure(g, `pair ${k + 1}`, { max: 110, expected: d.train[k] ? d.train[k].output : null })))));
    }
    if (it.test.some((g) => g !== null)) {
      outputs.append(el("div", {}, el("div", { class: "label" }, "Test outputs"),
        el("div", { class: "row" }, it.test.map((g, k) => gridFigure(g, `test ${k + 1}`, { max: 110, expected: d.test[k] ? d.test[k].expected : null })))));
    }
    if (it.grids_left_out) {
      outputs.append(el("p", { class: "muted" }, "This iteration's output grids were left out to keep a big report small; its feedback says where it went wrong."));
    }
    const feedback = it.feedback ? el("div", { class: "feedback" }, el("div", { class: "label" }, "Feedback given to the next iteration"), textBlock(it.feedback)) : null;
    if (outputs.childElementCount || feedback) parts.push(el("div", { class: "split" }, outputs.childElementCount ? outputs : null, feedback));
    parts.push(el("div", {}, el("div", { class: "label" }, "Program"), it.code ? codeBlock(it.code) : el("p", { class: "muted" }, it.code_left_out ? "This program was left out to keep a big report small; the candidates table of journal.sqlite has it." : "No program was extracted.")));
    if (it.response !== null) {
      const resp = el("details", {}, el("summary", {}, "Model response (call " + it.call_id + ")"));
      resp.append(textBlock(it.response));
      parts.push(resp);
    }
    return parts;
  }

  function iterationBlock(it, d, chosen) {
    const summary = [
      el("span", { class: "sum-title" }, `Iteration ${it.iteration}`),
      meter(it.train_score, it.passed),
      el("span", { class: "stat" }, score(it.train_score)),
      it.passed ? el("span", { class: "chip ok" }, "passes train") : null,
      it.iteration === chosen ? el("span", { class: "chip" }, "chosen") : null,
      it.extraction_error ? el("span", { class: "chip bad", title: it.extraction_error }, "error") : null,
      it.program_name ? el("span", { class: "mono" }, it.program_name) : null,
      ...(it.usage.prompt_tokens + it.usage.completion_tokens || it.usage.cost_usd ? [
        el("span", { class: "stat" }, `${count(it.usage.prompt_tokens)} (${count(it.usage.cached_tokens)} cached) → ${count(it.usage.completion_tokens)} tokens`),
        el("span", { class: "stat" }, money(it.usage.cost_usd)),
        el("span", { class: "stat" }, seconds(it.usage.latency_s)),
      ] : []),
      it.replayed ? el("span", { class: "chip" }, "replayed") : null,
    ];
    return lazyDetails("iteration", summary, () => iterationBody(it, d));
  }

  function expertBlock(x, d) {
    const chosen = x.iterations.find((it) => it.iteration === x.chosen);
    const summary = [
      el("span", { class: "sum-title" }, `Expert ${x.expert}`),
      el("span", { class: "mono" }, x.model),
      x.prompt ? el("span", { class: "chip" }, x.prompt) : null,
      sparkline(x.iterations),
      el("span", { class: "stat" }, chosen ? `chosen ${score(chosen.train_score)} at iteration ${chosen.iteration}` : "no program chosen"),
      el("span", { class: "chip" + (x.stop === "solved" ? " ok" : x.error ? " bad" : ""), title: "why the expert stopped" }, STOPS[x.stop] || x.stop || "?"),
      el("span", { class: "stat" }, plural(x.iterations.length, "iteration")),
    ];
    if (x.usage.prompt_tokens + x.usage.completion_tokens || x.usage.cost_usd) {  // the offline search spends nothing
      summary.push(
        el("span", { class: "stat" }, `${count(x.usage.prompt_tokens + x.usage.completion_tokens)} tokens, ${count(x.usage.cached_tokens)} of them cached`),
        el("span", { class: "stat" }, money(x.usage.cost_usd)),
        el("span", { class: "stat" }, seconds(x.usage.latency_s)));
    }
    return lazyDetails("expert", summary, () => [
      x.error ? textBlock(x.error, "error") : null,
      ...x.iterations.map((it) => iterationBlock(it, d, x.chosen)),
    ].filter(Boolean));
  }

  function renderTask(d, line) {
    const badgeText = { solved: "solved", partial: "partly solved", failed: "not solved", unscored: "unscored", provider_error: "provider error" }[line.status];
    return [
      el("div", { class: "task-head" },
        el("h2", {}, d.id),
        el("span", { class: "badge " + line.status }, badgeText),
        line.cause ? el("span", { class: "facts" }, "provider error: " + line.cause + " (kept for a resume)") : null,
        el("span", { class: "facts" }, [
          money(line.cost_usd),
          `${line.agreeing}/${line.experts} experts agree`,
          `${line.passing} pass${line.passing === 1 ? "es" : ""} every train pair`,
          plural(line.iterations, "iteration"),
          seconds(line.seconds),
        ].join(" · "))),
      el("h3", {}, "Test: attempts against the expected output"), testSection(d),
      el("h3", {}, "Train pairs"), trainSection(d),
      el("h3", {}, "Vote"), voteSection(d),
      el("h3", {}, "Programs"), programSection(d),
      el("h3", {}, "Experts"), d.experts.length ? d.experts.map((x) => expertBlock(x, d)) : el("p", { class: "muted" }, "No experts recorded."),
    ];
  }

  // ---- loading one task's packed data ------------------------------------------------------
  const taskData = (index) => unpack("task-" + index);

  // ---- the task table ----------------------------------------------------------------------
  const table = document.getElementById("tasks");
  const shown = document.getElementById("shown");
  const filterText = document.getElementById("filter-text");
  const filterStatus = document.getElementById("filter-status");
  let current = null;
  let rows = [];

  async function openTask(index, { focus = false } = {}) {
    current = index;
    for (const r of rows) r.classList.toggle("selected", Number(r.dataset.index) === index);
    const line = run.tasks[index];
    history.replaceState(null, "", "#task=" + encodeURIComponent(line.id));
    view.replaceChildren(el("p", { class: "hint" }, `Loading ${line.id}…`));
    let d;
    try {
      d = await taskData(index);
    } catch (err) {
      view.replaceChildren(el("p", { class: "error" }, `This browser could not unpack task ${line.id}: ${err}`));
      throw err;
    }
    if (current !== index) return;  // another task was chosen meanwhile
    view.replaceChildren(...renderTask(d, line).flat());
    if (focus || view.getBoundingClientRect().top < 0) view.scrollIntoView({ block: "start" });
  }

  function applyFilter() {
    const query = filterText.value.trim().toLowerCase();
    const status = filterStatus.value;
    let n = 0;
    for (const r of rows) {
      const st = r.dataset.status;
      const ok = (!query || r.dataset.id.toLowerCase().includes(query)) &&
        (status === "all" || st === status || (status === "unsolved" && (st === "failed" || st === "partial")));
      r.hidden = !ok;
      n += ok ? 1 : 0;
    }
    shown.textContent = `Showing ${n} of ${plural(rows.length, "task")}`;
  }

  if (table) {
    const tasks = taskTable(table, openTask);
    rows = tasks.rows;
    filterText.addEventListener("input", applyFilter);
    filterStatus.addEventListener("change", applyFilter);
    applyFilter();
    tasks.start();
  }
})();
