"""Report: the Markdown tables of a run, and the machine it ran on."""

import os
import re
from pathlib import Path

from workload import PAGES


def format_table(blocks, scales, owners):
    """One Markdown table per database, the scales side by side."""
    lines = []
    labels = [f"{owners * scale // 1000:,}k" for scale in scales]
    for database in dict.fromkeys(block["database"] for block in blocks):
        mine = {block["owners"]: block for block in blocks if block["database"] == database}
        ordered = [mine.get(owners * scale) for scale in scales]
        lines.append(f"#### {database}")
        lines.append("")
        for label, block in zip(labels, ordered):
            if block:
                lines.append(f"- {label} owners: {block['seeded']} Busiest upcoming day "
                             f"{block['busy_day']}; {block['vets']} vets.")
        lines.append("")
        header = ["page"]
        for metric in ("req/s", "% of hello", "p50 ms", "p99 ms", "errors", "SQL/req"):
            header += [f"{metric} {label}" for label in labels]
        if len(scales) > 1:
            header.append(f"{labels[-1]} vs {labels[0]}")
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        pages = ["hello", *dict.fromkeys(p for b in ordered if b for p in b["pages"])]
        for page in pages:
            rows = [(b["hello"] if page == "hello" else b["pages"].get(page)) if b else None
                    for b in ordered]
            cells = [PAGES.get(page, "bare Flask hello (the ceiling)")]
            cells += [f"{r['rps']:,.0f}" if r else "" for r in rows]
            cells += [f"{r['ratio']:.0%}" if r and r["ratio"] else "" for r in rows]
            cells += [f"{r['p50_ms']:.1f}" if r else "" for r in rows]
            cells += [f"{r['p99_ms']:.1f}" if r else "" for r in rows]
            cells += [str(r["errors"]) if r else "" for r in rows]
            cells += [str(r.get("statements") or "—") if r else "" for r in rows]
            if len(scales) > 1:
                first, last = rows[0], rows[-1]
                if first and last and first["ratio"] and last["ratio"]:
                    # Compared as shares of each run's own hello ceiling: the noise cancels.
                    cells.append(f"{last['ratio'] / first['ratio'] - 1:+.0%}")
                else:
                    cells.append("")
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        for label, block in zip(labels, ordered):
            for page, result in (block["pages"].items() if block else ()):
                if result.get("restarted_during_run"):
                    lines.append(f"- {label}, {page}: measured a second time, because the "
                                 f"PostgreSQL cluster was restarted (not by this script) "
                                 f"during the first.")
            for page in ("book", "mixed"):
                result = block and block["pages"].get(page)
                if result:
                    served = result["served"].get("302", 0)
                    check = "equal" if served == result["new_rows"] else "DIFFER"
                    lines.append(
                        f"- {label}, {page}: {served:,} bookings answered 302 (gunicorn's log; "
                        f"wrk saw {result['booked']:,} before it stopped), "
                        f"{result['new_rows']:,} new appointment rows: {check}; "
                        f"{result['form_errors']} form errors."
                    )
        lines.append("")
    return "\n".join(lines)


def machine():
    """nproc, CPU model and memory, for the record."""
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
                 "unknown CPU")
    kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return f"{os.cpu_count()} CPUs ({model}), {kib / 2**20:.0f} GiB memory"
