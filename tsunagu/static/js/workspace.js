// 連携ネットワーク: the agencies and their flows, drawn with cytoscape (from the npm registry, served locally).
(function () {
  "use strict";
  const LAYER_ROW = { consultation: 0, participation: 1, community: 2 };
  const LAYER_COLOUR = { consultation: "#2b5d8a", participation: "#3f7d3a", community: "#9c6f00" };

  const LINE_CHARS = 9; // a wrapped name line holds about this many characters (about 100 px at 11 px)
  const BREAK_AFTER = "町市村区課係部室所会局点）・"; // a Japanese name is best broken after one of these …
  const BREAK_BEFORE = ["センター", "協議会", "事業所", "支援", "相談", "サポート", "連絡", "推進"]; // … or before these
  const NO_LINE_START = "ーァィゥェォッャュョヮぁぃぅぇぉっゃゅょゎ、。）";

  function script(ch) {
    if (/[\u3041-\u309f]/.test(ch)) return "hiragana";
    if (/[\u30a0-\u30ff]/.test(ch)) return "katakana";
    if (/[A-Za-z0-9Ａ-Ｚａ-ｚ０-９]/.test(ch)) return "latin";
    return "other";
  }

  function cutAt(text) {
    // Where to end the first line of `text`: at a unit of the name (…町 / …課 / before …センター), else where the
    // script changes (ふれあい|スポーツ|さくら野), else after LINE_CHARS characters, never before ー or a small kana.
    if (text.length <= LINE_CHARS + 2) return text.length; // a short tail stays on its line
    const candidates = (good) => {
      let best = 0;
      for (let i = 3; i <= LINE_CHARS + 1; i += 1) if (good(i)) best = i;
      return best;
    };
    const unit = candidates((i) => BREAK_AFTER.includes(text[i - 1]) || BREAK_BEFORE.some((w) => text.startsWith(w, i)));
    if (unit) return unit;
    const change = candidates((i) => script(text[i - 1]) !== script(text[i]) && !NO_LINE_START.includes(text[i]));
    if (change) return change;
    let cut = LINE_CHARS;
    while (cut < text.length && NO_LINE_START.includes(text[cut])) cut += 1;
    return cut;
  }

  function wrapLabel(name) {
    // Japanese names have no spaces for cytoscape's own wrapping to use: break them into short lines here.
    const lines = [];
    String(name).split(/[\s\u3000]+/).filter(Boolean).forEach((part) => {
      let rest = part;
      while (rest) {
        const cut = cutAt(rest);
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
    });
    return lines.join("\n");
  }

  function layout(cy) {
    // Three bands, one per layer (the seed's 相談支援 / 参加支援 / 地域づくり), each in lines of at most PER_LINE
    // agencies. Every node is placed by the measured box of its circle and its wrapped name, so no two names
    // overlap however long they are: along a line each box starts GAP after the previous one ends, and each line
    // starts GAP below the tallest box of the line above.
    const PER_LINE = 7, GAP = 18, BAND_GAP = 48;
    const bands = [[], [], []];
    cy.nodes().forEach((n) => bands[LAYER_ROW[n.data("layer")] || 0].push(n));
    const boxes = new Map();
    cy.nodes().forEach((n) => {
      const box = n.boundingBox({ includeLabels: true, includeOverlays: false });
      const pos = n.position();
      boxes.set(n.id(), { w: box.w, h: box.h, left: pos.x - box.x1, top: pos.y - box.y1 });
    });
    let top = 0;
    bands.forEach((band) => {
      if (!band.length) return;
      for (let start = 0; start < band.length; start += PER_LINE) {
        const line = band.slice(start, start + PER_LINE);
        let left = 0, height = 0;
        line.forEach((n) => {
          const b = boxes.get(n.id());
          n.position({ x: left + b.left, y: top + b.top });
          left += b.w + GAP;
          height = Math.max(height, b.h);
        });
        top += height + GAP;
      }
      top += BAND_GAP;
    });
  }

  function draw(container, graph) {
    const maxCount = Math.max(1, ...graph.edges.filter((e) => e.data.type === "referral").map((e) => e.data.count));
    graph.nodes.forEach((n) => { n.data.name = n.data.label; n.data.label = wrapLabel(n.data.label); });
    const cy = window.cytoscape({
      container: container,
      elements: { nodes: graph.nodes, edges: graph.edges },
      layout: { name: "preset" },
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          "background-color": (n) => LAYER_COLOUR[n.data("layer")] || "#2b5d8a", label: "data(label)",
          "font-size": 11, "text-wrap": "wrap", "text-max-width": 200, "text-valign": "bottom", "text-margin-y": 4,
          "line-height": 1.25, "text-background-color": "#fff", "text-background-opacity": 0.85,
          "text-background-padding": 2, "text-background-shape": "roundrectangle",
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
    layout(cy);
    cy.fit(undefined, 20);
    return cy;
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
