"""`adr report`: what adr decided over a period, for roll-out (monitor mode) and everyday review.

Built from the history index's roll-ups (adr/record/index.py: per-day counts by host, agent,
project, decision, decider, mode; per-day counts by rule; answer-time buckets), so a report over a
year of history reads hundreds of rows, not millions of records. Sections: decisions over time, top
rules, asks and denies by agent and by project, what monitor mode would have blocked, how long the
human took to answer, and the noisiest rules with a suggested exception drawn from what you approved.

`render_html()` writes one self-contained page: inline CSS and SVG, a few lines of inline script
(sortable tables), a Content-Security-Policy that forbids every network request.
"""
from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass, field
from typing import Any

from adr.display import visible
from adr.record.index import BUCKETS, Index

DECISIONS = ("allow", "ask", "deny")
COLORS = {"allow": "#2e7d32", "ask": "#f9a825", "deny": "#c62828", "error": "#6a1b9a"}
TOP = 15


@dataclass
class Report:
    since: float
    until: float
    generated: float
    totals: dict[str, int] = field(default_factory=dict)
    deciders: dict[str, int] = field(default_factory=dict)
    series: list[tuple[str, dict[str, int]]] = field(default_factory=list)  # (bucket label, decision → n)
    granularity: str = "day"
    top_rules: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    by_agent: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    by_project: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    monitor: dict[str, int] = field(default_factory=dict)  # would-decide → n (records in monitor mode)
    monitor_rules: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    answers: list[tuple[str, int]] = field(default_factory=list)  # bucket label → n
    answer_avg_ms: float = 0.0
    answered: dict[str, int] = field(default_factory=dict)  # decided_by human/timeout → n
    noisy: list[dict[str, Any]] = field(default_factory=list)
    sessions: int = 0
    relaxed: int = 0

    @property
    def decisions(self) -> int:
        return sum(self.totals.values())


def build(idx: Index, since: float, until: "float | None" = None) -> Report:
    until = time.time() if until is None else until
    r = Report(since=since, until=until, generated=time.time())
    d0, d1 = int(since // 86400), int(until // 86400)
    q = idx.query
    real = "decision IN ('allow','ask','deny','error')"
    for dec, n in q(f"SELECT decision, sum(n) FROM daily WHERE day BETWEEN ? AND ? AND {real} GROUP BY decision", (d0, d1)):
        r.totals[dec] = n
    for by, n in q(f"SELECT decided_by, sum(n) FROM daily WHERE day BETWEEN ? AND ? AND {real} GROUP BY decided_by "
                   "ORDER BY 2 DESC", (d0, d1)):
        r.deciders[by or "-"] = n
    if until - since <= 3 * 86400:  # short window: hours, straight from the records (few)
        r.granularity = "hour"
        rows = q(f"SELECT CAST(t / 3600 AS INTEGER), decision, count(*) FROM audit WHERE t >= ? AND t <= ? AND {real} "
                 "GROUP BY 1, 2", (since, until))
        fmt, step = "%m-%d %H:00", 3600
        start, stop = int(since // 3600), int(until // 3600)
    else:
        rows = q(f"SELECT day, decision, sum(n) FROM daily WHERE day BETWEEN ? AND ? AND {real} GROUP BY 1, 2", (d0, d1))
        fmt, step = "%Y-%m-%d", 86400
        start, stop = d0, d1
    got: dict[int, dict[str, int]] = {}
    for b, dec, n in rows:
        got.setdefault(int(b), {})[dec] = n
    if stop - start > 400:  # a very long window: start where the history starts
        start = min(got) if got else stop
    for b in range(start, stop + 1):
        r.series.append((time.strftime(fmt, time.gmtime(b * step)), got.get(b, {})))
    r.top_rules = _grouped(q(f"SELECT rule, decision, sum(n) FROM rule_daily WHERE day BETWEEN ? AND ? AND {real} "
                             "GROUP BY rule, decision", (d0, d1)))[:TOP]
    r.by_agent = _grouped(q("SELECT CASE WHEN agent = '' THEN host ELSE agent END, decision, sum(n) FROM daily "
                            "WHERE day BETWEEN ? AND ? AND decision IN ('ask','deny') GROUP BY 1, 2", (d0, d1)))[:TOP]
    r.by_project = _grouped(q("SELECT CASE WHEN project = '' THEN '(none)' ELSE project END, decision, sum(n) FROM daily "
                              "WHERE day BETWEEN ? AND ? AND decision IN ('ask','deny') GROUP BY 1, 2", (d0, d1)))[:TOP]
    for would, n in q("SELECT would, sum(n) FROM daily WHERE day BETWEEN ? AND ? AND mode = 'monitor' "
                      "AND would IN ('ask','deny') GROUP BY would", (d0, d1)):
        r.monitor[would] = n
    r.monitor_rules = _grouped(q("SELECT rule, would, sum(n) FROM rule_daily WHERE day BETWEEN ? AND ? "
                                 "AND mode = 'monitor' AND would IN ('ask','deny') GROUP BY rule, would", (d0, d1)))[:TOP]
    buckets = dict(q("SELECT bucket, sum(n) FROM answers WHERE day BETWEEN ? AND ? GROUP BY bucket", (d0, d1)))
    r.answers = [(label, int(buckets.get(i, 0))) for i, label in enumerate(BUCKETS)]
    tot = q("SELECT sum(n), sum(total_ms) FROM answers WHERE day BETWEEN ? AND ?", (d0, d1))[0]
    r.answer_avg_ms = (tot[1] or 0) / tot[0] if tot[0] else 0.0
    for by, n in q("SELECT decided_by, sum(n) FROM answers WHERE day BETWEEN ? AND ? GROUP BY decided_by", (d0, d1)):
        r.answered[by] = n
    r.sessions = q("SELECT count(*) FROM sessions WHERE last >= ? AND first <= ?", (since, until))[0][0]
    r.relaxed = q("SELECT coalesce(sum(n), 0) FROM daily WHERE day BETWEEN ? AND ? AND relaxed = 'undo'", (d0, d1))[0][0]
    r.noisy = noisiest(idx, d0, d1, since, until)
    return r


def _grouped(rows: list[tuple[Any, ...]]) -> list[tuple[str, dict[str, int]]]:
    out: dict[str, dict[str, int]] = {}
    for key, dec, n in rows:
        out.setdefault(str(key), {})[str(dec)] = int(n)
    return sorted(out.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))


def noisiest(idx: Index, d0: int, d1: int, since: float, until: float, limit: int = 8) -> list[dict[str, Any]]:
    """The rules that asked most, with how often the human let it through, and an exception drawn from
    the actions the human approved (or, if none, from all the actions the rule asked about)."""
    rows = idx.query("SELECT rule, sum(CASE WHEN decision = 'ask' OR would = 'ask' THEN n ELSE 0 END), "
                     "sum(CASE WHEN decided_by = 'human' AND decision = 'allow' THEN n ELSE 0 END), "
                     "sum(CASE WHEN decided_by = 'human' THEN n ELSE 0 END) FROM rule_daily "
                     "WHERE day BETWEEN ? AND ? GROUP BY rule HAVING sum(CASE WHEN decision = 'ask' OR would = 'ask' "
                     "OR (decided_by = 'human') THEN n ELSE 0 END) > 0 ORDER BY 3 DESC, 2 DESC LIMIT ?",
                     (d0, d1, limit))
    out = []
    for rule, asked, approved, answered in rows:
        # samples come from the rule's newest records only (bounded: the report never walks all history)
        recent = ("SELECT a.summary FROM (SELECT seq FROM audit_rules WHERE rule = ? ORDER BY seq DESC LIMIT 2000) r "
                  "JOIN audit a ON a.seq = r.seq WHERE a.t >= ? AND a.t <= ? {} ORDER BY r.seq DESC LIMIT 200")
        samples: list[str] = []
        basis = "approved by you"
        if approved:
            samples = [x for (x,) in idx.query(recent.format("AND a.decided_by = 'human' AND a.decision = 'allow'"),
                                               (rule, since, until))]
        if not samples:
            samples = [x for (x,) in idx.query(recent.format(""), (rule, since, until))]
            basis = "asked about"
        out.append({"rule": rule, "asked": int(asked or 0), "approved": int(approved or 0),
                    "answered": int(answered or 0), "example": samples[0] if samples else "",
                    "suggestion": suggest_exception(rule, samples, basis)})
    return out


_FILE_VERB = re.compile(r"^file (write|edit|read|delete) (.+)$")


def suggest_exception(rule: str, summaries: list[str], basis: str) -> str:
    """A YAML `exceptions:` entry covering what the samples have in common ("" when nothing does)."""
    if not summaries:
        return ""
    files = [m.group(2) for s in summaries if (m := _FILE_VERB.match(s))]
    if files and len(files) == len(summaries):
        common = _common_dir(files)
        if not common or common == "/":
            return ""
        return (f"exceptions:\n  - name: {len(summaries)} {basis} under {common}\n"
                f"    match: {{path: '{_yaml_str(common.rstrip('/') + '/**')}'}}")
    words = [s.split() for s in summaries if s.strip()]
    if not words:
        return ""
    prefix = words[0]
    for w in words[1:]:
        n = 0
        while n < min(len(prefix), len(w)) and prefix[n] == w[n]:
            n += 1
        prefix = prefix[:n]
    if len(prefix) < 2:  # the program alone is no exception: disable the rule instead, if at all
        return ""
    args = " ".join(prefix[1:])
    return (f"exceptions:\n  - name: {len(summaries)} {basis} ({' '.join(prefix)[:60]})\n"
            f"    match: {{program: {prefix[0]}, args: '{_yaml_str('^' + _re_escape(args))}'}}")


def _common_dir(paths: list[str]) -> str:
    import os

    try:
        common = os.path.commonpath(paths)
    except ValueError:
        return ""
    return common if len(paths) > 1 or common != paths[0] else os.path.dirname(common)


def _re_escape(s: str) -> str:
    """Escape only what is special in an RE2 pattern (readable: `^publish --tag`, not `^publish\\ \\-\\-tag`)."""
    return re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", s)


def _yaml_str(s: str) -> str:
    return s.replace("'", "''")


# ---- HTML -------------------------------------------------------------------------------------------

def _e(value: object) -> str:
    """HTML-escaped, hidden characters shown: rule ids, projects and examples hold the agent's words,
    and a bidi override or zero-width character in them must not rearrange the page."""
    return html.escape(visible(str(value)))


def render_html(r: Report) -> str:
    e = _e
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(r.since)) + " – " + time.strftime("%Y-%m-%d %H:%M",
                                                                                             time.localtime(r.until))
    parts = [f"<h1>adr report</h1><p class='sub'>{e(when)} · generated "
             f"{e(time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(r.generated)))}</p>"]
    tiles = [("decisions", r.decisions, ""), ("allowed", r.totals.get("allow", 0), "allow"),
             ("asked", r.totals.get("ask", 0), "ask"), ("denied", r.totals.get("deny", 0), "deny"),
             ("sessions", r.sessions, ""), ("allowed with undo", r.relaxed, "")]
    parts.append("<div class='tiles'>" + "".join(
        f"<div class='tile {c}'><b>{n}</b><span>{e(label)}</span></div>" for label, n, c in tiles) + "</div>")
    parts.append(_section("Decisions over time", f"per {r.granularity}", _stacked_columns(r.series)))
    parts.append(_section("Top rules", "findings per rule, by the decision they led to",
                          _hbars(r.top_rules, "rule") + _table(["rule", *DECISIONS, "total"],
                                                               [[k, *(v.get(d, 0) for d in DECISIONS), sum(v.values())]
                                                                for k, v in r.top_rules], "top-rules")))
    parts.append(_section("Asks and denies by agent", "", _hbars(r.by_agent, "agent")))
    parts.append(_section("Asks and denies by project", "", _hbars(r.by_project, "project")))
    mon = (f"<p>In monitor mode adr allowed everything; enforcing would have denied "
           f"<b>{r.monitor.get('deny', 0)}</b> and asked about <b>{r.monitor.get('ask', 0)}</b> action(s).</p>"
           + _table(["rule", "would deny", "would ask"],
                    [[k, v.get("deny", 0), v.get("ask", 0)] for k, v in r.monitor_rules], "monitor")
           if r.monitor else "<p>No decision in this period was made in monitor mode.</p>")
    parts.append(_section("What monitor mode would have blocked", "", mon))
    avg = f"average {r.answer_avg_ms / 1000:.1f} s over {sum(n for _, n in r.answers)} question(s)" if r.answers else ""
    answered = ", ".join(f"{k}: {v}" for k, v in sorted(r.answered.items()))
    parts.append(_section("How long you took to answer", f"{avg}{' · ' + answered if answered else ''}",
                          _columns(r.answers)))
    noisy_rows = [[n["rule"], n["asked"], n["approved"], n["example"],
                   _Raw(f"<pre>{e(n['suggestion'])}</pre>" if n["suggestion"] else "<i>no common pattern</i>")]
                  for n in r.noisy]
    parts.append(_section("Noisiest rules", "rules that asked most, and how often you let the action through — "
                          "with an exception that would cover what you approved",
                          _table(["rule", "asked", "you allowed", "latest example", "suggested exception"],
                                 noisy_rows, "noisy")))
    return _PAGE.format(body="\n".join(parts), css=_CSS, script=_SCRIPT)


class _Raw(str):
    """Already-escaped HTML for a table cell."""


def _section(title: str, sub: str, body: str) -> str:
    sid = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return (f"<section id='{sid}'><h2>{_e(title)}</h2>"
            + (f"<p class='sub'>{_e(sub)}</p>" if sub else "") + body + "</section>")


def _table(head: list[str], rows: list[list[Any]], tid: str) -> str:
    if not rows:
        return "<p class='empty'>nothing in this period</p>"
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c if isinstance(c, _Raw) else _e(str(c))}</td>" for c in row)
                   + "</tr>" for row in rows)
    return f"<table class='sortable' id='t-{tid}'><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _stacked_columns(series: list[tuple[str, dict[str, int]]]) -> str:
    if not series or not any(sum(v.values()) for _, v in series):
        return "<p class='empty'>no decisions in this period</p>"
    w, h, pad = 860, 220, 30
    n = len(series)
    top = max(sum(v.get(d, 0) for d in (*DECISIONS, "error")) for _, v in series) or 1
    bw = max(1.0, (w - pad) / n)
    out = [f"<svg viewBox='0 0 {w} {h + 40}' role='img' aria-label='decisions over time'>"]
    for i, (label, v) in enumerate(series):
        y = h
        for d in (*DECISIONS, "error"):
            c = v.get(d, 0)
            if not c:
                continue
            bh = c / top * (h - 10)
            y -= bh
            out.append(f"<rect x='{pad + i * bw:.1f}' y='{y:.1f}' width='{max(bw - 1, 0.5):.1f}' height='{bh:.1f}' "
                       f"fill='{COLORS[d]}'><title>{_e(label)}: {c} {d}</title></rect>")
        if n <= 40 or i % max(1, n // 12) == 0:
            out.append(f"<text x='{pad + i * bw + bw / 2:.1f}' y='{h + 14}' font-size='9' text-anchor='middle'>"
                       f"{_e(label[-5:] if len(label) > 5 else label)}</text>")
    out.append(f"<text x='2' y='12' font-size='10'>{top}</text><line x1='{pad}' y1='{h}' x2='{w}' y2='{h}' "
               "stroke='#999'/>")
    out.append(_legend(w, h + 32))
    out.append("</svg>")
    return "".join(out)


def _legend(w: int, y: int) -> str:
    return "".join(f"<rect x='{40 + i * 90}' y='{y - 9}' width='10' height='10' fill='{COLORS[d]}'/>"
                   f"<text x='{54 + i * 90}' y='{y}' font-size='11'>{d}</text>" for i, d in enumerate(DECISIONS))


def _hbars(items: list[tuple[str, dict[str, int]]], what: str) -> str:
    if not items:
        return "<p class='empty'>nothing in this period</p>"
    w, row = 860, 22
    label_w = 330
    top = max(sum(v.values()) for _, v in items) or 1
    out = [f"<svg viewBox='0 0 {w} {row * len(items) + 10}' role='img' aria-label='by {_e(what)}'>"]
    for i, (name, v) in enumerate(items):
        y = i * row + 4
        shown = name if len(name) <= 48 else "…" + name[-47:]
        out.append(f"<text x='{label_w - 6}' y='{y + 14}' font-size='12' text-anchor='end' class='lbl'>"
                   f"{_e(shown)}</text>")
        x = float(label_w)
        for d in (*DECISIONS, "error"):
            c = v.get(d, 0)
            if not c:
                continue
            bw = c / top * (w - label_w - 60)
            out.append(f"<rect x='{x:.1f}' y='{y}' width='{max(bw, 1):.1f}' height='{row - 6}' fill='{COLORS[d]}'>"
                       f"<title>{_e(name)}: {c} {d}</title></rect>")
            x += bw
        out.append(f"<text x='{x + 4:.1f}' y='{y + 14}' font-size='11'>{sum(v.values())}</text>")
    out.append("</svg>")
    return "".join(out)


def _columns(items: list[tuple[str, int]]) -> str:
    if not items or not any(n for _, n in items):
        return "<p class='empty'>you were not asked in this period</p>"
    w, h = 600, 160
    top = max(n for _, n in items) or 1
    bw = w / len(items)
    out = [f"<svg viewBox='0 0 {w} {h + 30}' role='img' aria-label='answer times'>"]
    for i, (label, n) in enumerate(items):
        bh = n / top * (h - 20)
        out.append(f"<rect x='{i * bw + 8:.1f}' y='{h - bh:.1f}' width='{bw - 16:.1f}' height='{bh:.1f}' fill='#1565c0'>"
                   f"<title>{_e(label)}: {n}</title></rect><text x='{i * bw + bw / 2:.1f}' y='{h + 16}' "
                   f"font-size='11' text-anchor='middle'>{_e(label)}</text>"
                   f"<text x='{i * bw + bw / 2:.1f}' y='{h - bh - 4:.1f}' font-size='10' text-anchor='middle'>{n}</text>")
    out.append("</svg>")
    return "".join(out)


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:980px;color:#222}
h1{margin:0}h2{margin:28px 0 4px;font-size:18px}.sub{color:#666;margin:2px 0 10px}
.tiles{display:flex;gap:10px;flex-wrap:wrap;margin:14px 0}.tile{border:1px solid #ddd;border-radius:6px;padding:8px 14px;
min-width:110px}.tile b{display:block;font-size:22px}.tile span{color:#555;font-size:12px}
.tile.allow b{color:#2e7d32}.tile.ask b{color:#b28704}.tile.deny b{color:#c62828}
svg{width:100%;height:auto;font-family:inherit}table{border-collapse:collapse;width:100%;margin-top:8px}
th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top;font-size:13px}
th{cursor:pointer;background:#fafafa}pre{margin:0;font-size:12px;white-space:pre-wrap}.empty{color:#888}
"""

_SCRIPT = """
(function(){
  function key(td){var t=td.textContent.trim();var n=parseFloat(t);return isNaN(n)?t.toLowerCase():n;}
  document.querySelectorAll('table.sortable').forEach(function(table){
    table.querySelectorAll('th').forEach(function(th,i){
      th.addEventListener('click',function(){
        var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
        var dir=th.dataset.dir==='asc'?-1:1;th.dataset.dir=dir===1?'asc':'desc';
        rows.sort(function(a,b){var x=key(a.cells[i]),y=key(b.cells[i]);return x<y?-dir:x>y?dir:0;});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
  document.documentElement.setAttribute('data-ready','1');
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>adr report</title><style>{css}</style></head>
<body>
{body}
<script>{script}</script>
</body></html>
"""
