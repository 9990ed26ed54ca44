// The bench's ratios as an SVG bar chart (hand-written SVG, no dependency): `npm run bench` writes
// it to bench/results.svg. One horizontal bar per ratio, grouped:
//   - module ÷ raw node:net, every end-to-end case (result.e2e[].ratio);
//   - module ÷ each peer (result.peers[].ratios.<peer>, bench/peers.js);
//   - XS instructions per message, module ÷ raw TCP over the simulated network (result.xsE2e, bench/xs-e2e.js);
//   - device cycles ÷ floor: drawn only when the result object has `device`, an array of
//     { name, ratio, min?, max? } (bench/run.js fills it from bench/device.json, and `deviceRun`,
//     { commit, date }, with where and when the device tier measured them).
// The axis is logarithmic (base 2) and every bar starts at 1×, so a bar to the right means the module
// is faster than what it is compared with (for the XS and device groups, which count cost: costs more); a line
// marks each ratio's min–max over the runs.

const WIDTH = 880;
const LABEL = 300; // px for the row labels
const RIGHT = 90; // px for the value labels
const ROW = 20;
const GROUP_GAP = 30;
const TOP = 50;
const BOTTOM = 35;

const escape = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The groups of bars the chart would draw from a result object (also used by the smoke test). */
export function chartGroups(r) {
  const groups = [];
  const bar = (name, s) => ({ name, ratio: s.median, min: s.min ?? s.median, max: s.max ?? s.median });
  if (r.e2e?.length) groups.push({ title: "module ÷ raw node:net (msgs/s; same bytes, framed)", color: "#3b6ea5", bars: r.e2e.map((x) => bar(x.name, x.ratio)) });
  if (r.peers?.length) {
    for (const [key, title] of [
      ["concat", "module ÷ hand-written node:net peer (Buffer.concat receiver)"],
      ["perElement", "module ÷ Buffer per element + Buffer.concat (accessors' Node module)"],
    ]) {
      const bars = r.peers.filter((x) => x.ratios[key]).map((x) => bar(x.name, x.ratios[key]));
      if (bars.length) groups.push({ title: `${title}, msgs/s`, color: key === "concat" ? "#4f9a5b" : "#8a5fb0", bars });
    }
  }
  if (r.xsE2e?.rows?.length) {
    groups.push({ title: "XS instructions per message, module ÷ raw ECMA-419 TCP, simulated network (lower is better)", color: "#7a7a7a",
      bars: r.xsE2e.rows.map((x) => bar(x.name, { median: x.ratio })) });
  }
  if (Array.isArray(r.device) && r.device.length) {
    const run = r.deviceRun ? `; the device tier at ${r.deviceRun.commit}, ${r.deviceRun.date.slice(0, 10)}` : "";
    groups.push({ title: `device cycles ÷ floor (lower is better${run})`, color: "#c0703a", bars: r.device.map((x) => bar(x.name, { median: x.ratio, min: x.min, max: x.max })) });
  }
  return groups;
}

/** The SVG text. */
export function chartSvg(r) {
  const groups = chartGroups(r);
  const all = groups.flatMap((g) => g.bars);
  const values = all.flatMap((b) => [b.ratio, b.min, b.max]).filter((x) => x > 0 && Number.isFinite(x));
  const lo = Math.min(-1, Math.floor(Math.log2(Math.min(1, ...values))));
  const hi = Math.max(1, Math.ceil(Math.log2(Math.max(1, ...values))));
  const plot = WIDTH - LABEL - RIGHT;
  const x = (v) => LABEL + ((Math.log2(Math.max(v, 2 ** lo)) - lo) / (hi - lo)) * plot;
  const height = TOP + BOTTOM + all.length * ROW + groups.length * GROUP_GAP;
  const m = r.machine ?? {};
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>accessor-socket bench ratios</title>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">accessor-socket: npm run bench, ratios (log scale, bars from 1×; line: min–max of the runs)</text>`,
    `<text x="10" y="38" fill="#555555">${escape(`${m.date ?? ""} · ${m.cpu ?? ""} · node ${m.node ?? ""} · load ${m.loadavg ?? "?"} → ${m.loadavgAfter ?? "?"}`)}</text>`,
  ];
  const grid = (top, bottom) => {
    for (let e = lo; e <= hi; e++) {
      const gx = x(2 ** e).toFixed(1);
      out.push(`<line x1="${gx}" y1="${top}" x2="${gx}" y2="${bottom}" stroke="${e === 0 ? "#000000" : "#dddddd"}" stroke-width="${e === 0 ? 1.5 : 1}"/>`);
    }
  };
  let y = TOP;
  for (const g of groups) {
    y += GROUP_GAP - 8;
    out.push(`<text x="10" y="${y}" font-weight="bold">${escape(g.title)}</text>`);
    y += 8;
    grid(y, y + g.bars.length * ROW);
    for (const b of g.bars) {
      const x1 = x(1);
      const xv = x(b.ratio);
      const left = Math.min(x1, xv).toFixed(1);
      const w = Math.max(1, Math.abs(xv - x1)).toFixed(1);
      const cy = y + ROW / 2;
      out.push(`<text x="${LABEL - 8}" y="${cy + 4}" text-anchor="end">${escape(b.name)}</text>`);
      out.push(`<rect class="bar" x="${left}" y="${y + 3}" width="${w}" height="${ROW - 6}" fill="${g.color}"><title>${escape(`${g.title}: ${b.name} ${b.ratio.toFixed(2)}${b.min === b.max ? "" : ` (${b.min.toFixed(2)}–${b.max.toFixed(2)})`}`)}</title></rect>`);
      if (b.max > b.min) out.push(`<line x1="${x(b.min).toFixed(1)}" y1="${cy}" x2="${x(b.max).toFixed(1)}" y2="${cy}" stroke="#222222" stroke-width="1.5"/>`);
      out.push(`<text x="${WIDTH - RIGHT + 6}" y="${cy + 4}">${escape(`${b.ratio.toFixed(2)}×`)}</text>`);
      y += ROW;
    }
  }
  for (let e = lo; e <= hi; e++) {
    const label = e >= 0 ? `${2 ** e}×` : `1/${2 ** -e}×`;
    out.push(`<text x="${x(2 ** e).toFixed(1)}" y="${y + 18}" text-anchor="middle" fill="#555555">${escape(label)}</text>`);
  }
  out.push(`</svg>`, "");
  return out.join("\n");
}
