// 連携ネットワーク: the agencies and their flows, drawn with cytoscape (from the npm registry, served locally).
(function () {
  "use strict";
  const LAYER_ROW = { consultation: 0, participation: 1, community: 2 };
  const LAYER_COLOUR = { consultation: "#2b5d8a", participation: "#3f7d3a", community: "#9c6f00" };

  function layout(nodes) {
    // Three bands, one per layer, agencies spread along each band: the seed's 相談支援 / 参加支援 / 地域づくり.
    // A band holds lines of at most PER_LINE agencies, so names stay readable with 40 agencies.
    const PER_LINE = 7;
    const bands = [[], [], []];
    nodes.forEach((n) => bands[LAYER_ROW[n.data.layer] || 0].push(n));
    let y = 60;
    bands.forEach((band) => {
      for (let start = 0; start < band.length; start += PER_LINE) {
        const line = band.slice(start, start + PER_LINE);
        line.forEach((n, i) => { n.position = { x: 90 + i * 170 + ((start / PER_LINE) % 2) * 85, y: y }; });
        y += 95;
      }
      y += 70;
    });
    return nodes;
  }

  function draw(container, graph) {
    const maxCount = Math.max(1, ...graph.edges.filter((e) => e.data.type === "referral").map((e) => e.data.count));
    return window.cytoscape({
      container: container,
      elements: { nodes: layout(graph.nodes), edges: graph.edges },
      layout: { name: "preset" },
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          "background-color": (n) => LAYER_COLOUR[n.data("layer")] || "#2b5d8a", label: "data(label)",
          "font-size": 11, "text-wrap": "wrap", "text-max-width": 120, "text-valign": "bottom", "text-margin-y": 4,
          color: "#1f2933", width: 26, height: 26 } },
        { selector: "edge[type = 'referral']", style: {
          width: (e) => 1.5 + 8 * e.data("count") / maxCount, "line-color": "#b3261e", "target-arrow-color": "#b3261e",
          "target-arrow-shape": "triangle", "curve-style": "bezier", opacity: 0.75, label: "data(count)", "font-size": 10,
          color: "#7a1a14", "text-background-color": "#fff", "text-background-opacity": 0.8 } },
        { selector: "edge[type = 'meeting']", style: {
          width: 1, "line-style": "dashed", "line-color": "#6b7785", "curve-style": "haystack", opacity: 0.45 } },
        { selector: ":selected", style: { "border-width": 3, "border-color": "#000" } },
      ],
    });
  }

  function exportButton(cy) {
    const button = document.getElementById("network-png");
    if (!button) return;
    button.disabled = false;
    button.addEventListener("click", () => {
      const link = document.createElement("a");
      link.href = cy.png({ full: true, scale: 2, bg: "#ffffff" });
      link.download = "network.png";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const container = document.getElementById("network");
    if (!container || !window.cytoscape) return;
    fetch(container.dataset.src, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((graph) => {
        const cy = draw(container, graph);
        container.dataset.ready = String(cy.edges("[type = 'referral']").length);
        exportButton(cy);
      });
  });
})();

// 業務棚卸表の編集: each cell is a select saved by htmx (hx-post on the select, hx-swap="none"; the server answers
// with out-of-band updates). Digits pick a mark; a 409 (someone else changed the cell) is shown, never ignored.
(function () {
  "use strict";
  const KEYS = { "0": "", "1": "◎", "2": "×", "3": "○" };

  function status(text) {
    const box = document.getElementById("grid-status");
    if (!box) return;
    const p = document.createElement("p");
    p.className = "alert";
    p.textContent = text;
    box.replaceChildren(p);
  }

  document.addEventListener("keydown", (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.classList.contains("ws-cell")) return;
    if (event.altKey || event.ctrlKey || event.metaKey || !(event.key in KEYS)) return;
    event.preventDefault();
    if (select.value === KEYS[event.key]) return;
    select.value = KEYS[event.key];
    // A cell just replaced by a conflict answer is wired by htmx only when the swap settles (some milliseconds
    // later): wire it now (a no-op when done), so a key pressed at once still saves.
    if (window.htmx) window.htmx.process(select);
    select.dispatchEvent(new Event("change", { bubbles: true }));
  });

  document.addEventListener("change", (event) => {
    const select = event.target;
    if (select instanceof HTMLSelectElement && select.classList.contains("ws-cell")) {
      select.dataset.mark = select.value;
    }
  });

  // htmx leaves 4xx answers unswapped by default; the grid's 409 and 422 carry the message and the stored mark.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if ((status === 409 || status === 422) && event.detail.elt.closest(".ws-grid")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:responseError", (event) => {
    if (event.detail.elt.closest(".ws-grid")) status("保存できませんでした。ページを再読み込みしてから、もう一度選んでください。");
  });
  document.addEventListener("htmx:sendError", (event) => {
    if (event.detail.elt.closest(".ws-grid")) status("通信できず、保存できませんでした。接続を確かめて、もう一度選んでください。");
  });
})();
