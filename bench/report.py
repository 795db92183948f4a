#!/usr/bin/env python3
"""bench/report.py WORK_DIR OUT_DIR: turns the raw results of bench/run into
OUT_DIR/benchmarks.md and OUT_DIR/bench_*.png (gnuplot). Standard library only."""
import csv
import os
import statistics
import subprocess
import sys

# Display order and names; the first is "ours" for the targets, the baseline peer is "mosquitto".
NAMES = {
    "mqtt_setup": "mqtt_setup (poll loop)",
    "mqtt_setup_thread": "mqtt_setup (background thread)",
    "mqtt_setup_session": "mqtt_setup Session, driven directly",
    "mosquitto": "libmosquitto (mosquitto_loop)",
    "mosquitto_thread": "libmosquitto (loop_start thread)",
    "paho_c": "Paho C MQTTClient",
    "paho_c_async": "Paho C MQTTAsync",
    "paho_cpp": "Paho C++ async_client",
}
OURS = "mqtt_setup"
PEER = "mosquitto"


def parse(work):
    rows = []
    with open(os.path.join(work, "results.tsv")) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 7:
                continue
            kind, client, qos, payload, n, rnd, rest = parts[:7]
            kv = {}
            for item in rest.split():
                if "=" in item:
                    k, v = item.split("=", 1)
                    kv[k] = v
            rows.append(dict(kind=kind, client=client, qos=qos, payload=payload, n=n, round=rnd, kv=kv))
    return rows


def num(v, default=None):
    try:
        return float(v)
    except (TypeError, ValueError):
        return default


def select(rows, **match):
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_int(v):
    return "–" if v is None else f"{v:,.0f}"


def fmt(v, digits=1):
    return "–" if v is None else f"{v:,.{digits}f}"


class Report:
    def __init__(self, work):
        self.work = work
        self.rows = parse(work)
        self.meta = {}
        with open(os.path.join(work, "meta.txt")) as f:
            for line in f:
                for item in [line.strip()] if line.startswith(("date", "machine", "load", "broker", "compiler", "commit", "pkg.")) else line.split():
                    if "=" in item:
                        k, v = item.split("=", 1)
                        self.meta[k] = v
        present = {r["client"] for r in self.rows}
        self.clients = [c for c in NAMES if c in present]
        self.n_count = int(self.meta.get("n_count", "0"))
        self.n_tput = int(self.meta.get("n_tput", "0"))

    # --- per-publish figures --------------------------------------------------------------------
    def throughput(self, c, q, p):
        runs = select(self.rows, kind="tput", client=c, qos=q, payload=p)
        ok = [num(r["kv"].get("msg_per_s")) for r in runs if r["kv"].get("ok") == "1"]
        failed = len(runs) - len(ok)
        if not ok:
            return None, None, None, failed
        return statistics.median(ok), min(ok), max(ok), failed

    def base_cpu_us(self, c):
        """The client's CPU for connect + disconnect alone (N = 0 runs, median), µs."""
        return median([num(r["kv"].get("cpu_us")) for r in select(self.rows, kind="base", client=c)])

    def cpu_us(self, c, q, p, kind="tput"):
        """Client CPU per message, µs: (cpu_us at N − the N = 0 median) / N for every run of
        KIND; returns (median, min, max) over the rounds."""
        base = self.base_cpu_us(c)
        per = []
        for r in select(self.rows, kind=kind, client=c, qos=q, payload=p):
            v, n = num(r["kv"].get("cpu_us")), num(r["n"])
            if base is not None and v is not None and n and r["kv"].get("ok") == "1":
                per.append(max(v - base, 0) / n)
        return (statistics.median(per), min(per), max(per)) if per else (None, None, None)

    def user_sys_us(self, c, q, p, kind="cpu"):
        """(user, system) µs per message from GNU time (10 ms ticks), N = 0 runs subtracted:
        where the client's CPU goes, own code or the kernel (loopback TCP, wake-ups)."""
        def split(r):
            return num(r["kv"].get("user")), num(r["kv"].get("sys"))
        base = [split(r) for r in select(self.rows, kind="base", client=c)]
        runs = [(split(r), num(r["n"])) for r in select(self.rows, kind=kind, client=c, qos=q, payload=p)
                if r["kv"].get("ok") == "1" and num(r["n"])]
        if not base or not runs or any(v is None for b in base for v in b):
            return None, None
        bu, bs = median([b[0] for b in base]), median([b[1] for b in base])
        user = median([max(u - bu, 0) / n * 1e6 for (u, _), n in runs if u is not None])
        system = median([max(s_ - bs, 0) / n * 1e6 for (_, s_), n in runs if s_ is not None])
        return user, system

    def broker_cpu_us(self, c, q, p, kind="tput"):
        """The broker's CPU per message (utime + stime ticks around each run), µs, median."""
        tck = num(self.meta.get("clk_tck"), 100)
        per = [num(r["kv"].get("broker_ticks")) / tck * 1e6 / num(r["n"])
               for r in select(self.rows, kind=kind, client=c, qos=q, payload=p)
               if num(r["kv"].get("broker_ticks")) is not None and num(r["n"])]
        return median(per)

    def rate(self, c, q, p, kind):
        return median([num(r["kv"].get("msg_per_s")) for r in select(self.rows, kind=kind, client=c, qos=q, payload=p)
                       if r["kv"].get("ok") == "1"])

    def rss_mib(self, c, q, p, kind="tput"):
        sel = select(self.rows, kind=kind, client=c) if kind == "base" else \
            select(self.rows, kind=kind, client=c, qos=q, payload=p)
        v = median([num(r["kv"].get("rss_kib")) for r in sel])
        return None if v is None else v / 1024

    def delivered(self, c, q, p):
        sel = select(self.rows, kind="deliver", client=c, qos=q, payload=p)
        if not sel:
            return None
        return int(sel[0]["kv"].get("delivered", 0)), int(sel[0]["n"])

    def per_msg(self, kind, key, c, q, p):
        at_n = select(self.rows, kind=kind, client=c, qos=q, payload=p, n=str(self.n_count))
        at_0 = select(self.rows, kind=kind, client=c, qos="1", payload=p, n="0")
        if not at_n or not at_0 or self.n_count == 0:
            return None
        a, b = num(at_n[0]["kv"].get(key)), num(at_0[0]["kv"].get(key))
        if a is None or b is None or at_n[0]["kv"].get("ok") != "1":
            return None
        return (a - b) / self.n_count

    def at_zero(self, kind, key, c):
        sel = select(self.rows, kind=kind, client=c, qos="1", payload="16", n="0")
        return num(sel[0]["kv"].get(key)) if sel else None

    def connect(self, c):
        times = [num(r["kv"].get("connect_s")) for r in select(self.rows, kind="base", client=c)]
        startup = select(self.rows, kind="callgrind", client=c, qos="-")
        ir0 = self.at_zero("callgrind", "ir", c)
        ir_start = num(startup[0]["kv"].get("ir")) if startup else None
        return dict(
            ms=None if median(times) is None else median(times) * 1000,
            ir=None if ir0 is None or ir_start is None else ir0 - ir_start,
            ir_total=ir0,
            allocs=self.at_zero("alloc", "allocs", c),
            syscalls=self.at_zero("strace", "syscalls", c),
            rss=self.rss_mib(c, None, None, kind="base"),
        )

    # --- output ---------------------------------------------------------------------------------
    def table(self):
        out = ["| client | QoS | payload | msg/s median (min–max) | vs libmosquitto | delivered "
               "| Ir/msg | allocs/msg | heap B/msg | syscalls/msg | CPU µs/msg | broker CPU µs/msg | peak RSS MiB |",
               "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for q in ("0", "1", "2"):
            for p in ("16", "1024"):
                peer = self.throughput(PEER, q, p)[0]
                for c in self.clients:
                    med, lo, hi, failed = self.throughput(c, q, p)
                    tput = "failed" if med is None else f"{med:,.0f} ({lo:,.0f}–{hi:,.0f})"
                    if failed and med is not None:
                        tput += f" ({failed} failed)"
                    ratio = "–" if med is None or not peer else f"{med / peer:.2f}×"
                    d = self.delivered(c, q, p)
                    dl = "–" if d is None else f"{d[0]}/{d[1]}"
                    ir = self.per_msg("callgrind", "ir", c, q, p) if p == "16" else None
                    out.append(
                        f"| {NAMES[c]} | {q} | {p} | {tput} | {ratio} | {dl} | {fmt_int(ir)} "
                        f"| {fmt(self.per_msg('alloc', 'allocs', c, q, p), 2)} "
                        f"| {fmt_int(self.per_msg('alloc', 'bytes', c, q, p))} "
                        f"| {fmt(self.per_msg('strace', 'syscalls', c, q, p), 2)} "
                        f"| {fmt(self.cpu_us(c, q, p)[0], 1)} | {fmt(self.broker_cpu_us(c, q, p), 1)} "
                        f"| {fmt(self.rss_mib(c, q, p), 1)} |")
        return out

    def cpu_table(self):
        out = ["| client | QoS | client CPU µs/msg, median (min–max) | vs libmosquitto | user / system µs "
               "| syscalls/msg | msg/s median | broker CPU µs/msg |", "|---|---|---|---|---|---|---|---|"]
        for q in ("0", "1"):
            peer = self.cpu_us(PEER, q, "16", kind="cpu")[0]
            for c in self.clients:
                med, lo, hi = self.cpu_us(c, q, "16", kind="cpu")
                cpu = "–" if med is None else f"{med:.2f} ({lo:.2f}–{hi:.2f})"
                ratio = "–" if med is None or not peer else f"{med / peer:.2f}×"
                user, system = self.user_sys_us(c, q, "16")
                out.append(f"| {NAMES[c]} | {q} | {cpu} | {ratio} | {fmt(user, 1)} / {fmt(system, 1)} "
                           f"| {fmt(self.per_msg('strace', 'syscalls', c, q, '16'), 2)} "
                           f"| {fmt_int(self.rate(c, q, '16', 'cpu'))} "
                           f"| {fmt(self.broker_cpu_us(c, q, '16', kind='cpu'), 2)} |")
        return out

    def connect_table(self):
        out = ["| client | connect to CONNACK, ms (median) | Ir connect + disconnect | Ir whole process "
               "| allocations | syscalls | peak RSS MiB |", "|---|---|---|---|---|---|---|"]
        for c in self.clients:
            k = self.connect(c)
            out.append(f"| {NAMES[c]} | {fmt(k['ms'], 2)} | {fmt_int(k['ir'])} | {fmt_int(k['ir_total'])} "
                       f"| {fmt_int(k['allocs'])} | {fmt_int(k['syscalls'])} | {fmt(k['rss'], 1)} |")
        return out

    def size_table(self):
        out = ["| library | code + data bytes | what |", "|---|---|---|"]
        path = os.path.join(self.work, "sizes.tsv")
        if os.path.exists(path):
            with open(path) as f:
                for line in f:
                    name, size, what = (line.rstrip("\n").split("\t") + ["", "", ""])[:3]
                    out.append(f"| {name} | {int(size):,} | {what} |")
        return out

    def targets(self):
        def verdict(ok):
            return "–" if ok is None else ("met" if ok else "**missed**")

        rows = ["| target (16 B payload) | measured | verdict |", "|---|---|---|"]
        for q, ir_max, sc_max, ratio_min in (("0", 1600, 1, 1.0), ("1", 2700, 2, 1.5)):
            ir = self.per_msg("callgrind", "ir", OURS, q, "16")
            al = self.per_msg("alloc", "allocs", OURS, q, "16")
            sc = self.per_msg("strace", "syscalls", OURS, q, "16")
            ours, peer = self.throughput(OURS, q, "16")[0], self.throughput(PEER, q, "16")[0]
            ratio = ours / peer if ours and peer else None
            rows.append(f"| QoS {q}: ≤ {ir_max:,} instructions per publish | {fmt_int(ir)} "
                        f"| {verdict(None if ir is None else ir <= ir_max)} |")
            rows.append(f"| QoS {q}: 0 allocations per publish | {fmt(al, 3)} "
                        f"| {verdict(None if al is None else al < 0.01)} |")
            rows.append(f"| QoS {q}: ≤ {sc_max} syscall(s) per publish | {fmt(sc, 2)} "
                        f"| {verdict(None if sc is None else sc <= sc_max + 0.005)} |")
            rows.append(f"| QoS {q}: throughput ≥ {ratio_min:g}× libmosquitto | {fmt(ratio, 2)}× "
                        f"| {verdict(None if ratio is None else ratio >= ratio_min)} |")
        peer_cpu = self.cpu_us(PEER, "1", "16", kind="cpu")[0]
        for c in (OURS, "mqtt_setup_thread"):
            cpu = self.cpu_us(c, "1", "16", kind="cpu")[0]
            ratio = cpu / peer_cpu if cpu is not None and peer_cpu else None
            rows.append(f"| QoS 1: client CPU per message ≤ 0.5× libmosquitto ({NAMES[c]}) "
                        f"| {fmt(cpu, 2)} µs vs {fmt(peer_cpu, 2)} µs = {fmt(ratio, 2)}× "
                        f"| {verdict(None if ratio is None else ratio <= 0.5)} |")
        k = self.connect(OURS)
        rows.append(f"| connect + disconnect ≤ 200,000 instructions | {fmt_int(k['ir'])} "
                    f"| {verdict(None if k['ir'] is None else k['ir'] <= 200_000)} |")
        ours_rss = self.rss_mib(OURS, "1", "16")
        peers = [self.rss_mib(c, "1", "16") for c in ("mosquitto", "paho_c") if c in self.clients]
        peers = [v for v in peers if v is not None]
        ok = None if ours_rss is None or not peers else all(ours_rss < v for v in peers)
        rows.append(f"| peak RSS below libmosquitto and Paho C (QoS 1, 16 B) | {fmt(ours_rss, 1)} MiB vs "
                    f"{', '.join(fmt(v, 1) for v in peers)} MiB | {verdict(ok)} |")
        return rows

    def micro(self):
        path = os.path.join(self.work, "micro.csv")
        if not os.path.exists(path):
            return []
        out = ["| micro-benchmark | ns per iteration (CPU) | items/s |", "|---|---|---|"]
        with open(path) as f:
            lines = [l for l in f if l.startswith(("name,", '"'))]
        for r in csv.DictReader(lines):
            ips = num(r.get("items_per_second"))
            out.append(f"| {r['name']} | {num(r['cpu_time'], 0):.1f} | {'' if ips is None else f'{ips:,.0f}'} |")
        return out

    def plots(self, out_dir):
        data = os.path.join(self.work, "plot")
        os.makedirs(data, exist_ok=True)
        for p in ("16", "1024"):
            with open(os.path.join(data, f"tput_{p}.dat"), "w") as f:
                for c in self.clients:
                    vals = [self.throughput(c, q, p)[0] or 0 for q in ("0", "1", "2")]
                    f.write(f'"{c}" ' + " ".join(f"{v:.0f}" for v in vals) + "\n")
        with open(os.path.join(data, "ir.dat"), "w") as f:
            for c in self.clients:
                vals = [self.per_msg("callgrind", "ir", c, q, "16") or 0 for q in ("0", "1", "2")]
                f.write(f'"{c}" ' + " ".join(f"{max(v, 1):.0f}" for v in vals) + "\n")
        script = f"""
set terminal pngcairo size 1100,520 font ",10" noenhanced
set yrange [0:*]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top right
set grid ytics
set xtics rotate by -25
set format y "%.0s%c"
do for [p in "16 1024"] {{
  set output "{out_dir}/bench_throughput_".p.".png"
  set title "Publish throughput, ".p." B payload, window 20 (median of rounds; higher is better)"
  set ylabel "messages per second"
  plot "{data}/tput_".p.".dat" using 2:xtic(1) title "QoS 0", '' using 3 title "QoS 1", '' using 4 title "QoS 2"
}}
set output "{out_dir}/bench_instructions.png"
set title "Instructions per publish (callgrind, 16 B payload, N=0 subtracted; lower is better)"
set ylabel "instructions per message"
set logscale y
set yrange [100:*]
set format y "%.0f"
plot "{data}/ir.dat" using 2:xtic(1) title "QoS 0", '' using 3 title "QoS 1", '' using 4 title "QoS 2"
"""
        try:
            subprocess.run(["gnuplot"], input=script, text=True, check=True)
            return ["bench_throughput_16.png", "bench_throughput_1024.png", "bench_instructions.png"]
        except (OSError, subprocess.CalledProcessError) as e:
            print(f"report.py: gnuplot failed ({e}); no plots", file=sys.stderr)
            return []

    def write(self, out_dir):
        pngs = self.plots(out_dir)
        m = self.meta
        lines = [
            "# Benchmarks: mqtt_setup, libmosquitto and Paho in one run",
            "",
            "Generated by `bench/run` (do not edit by hand). Every client is one program with the "
            "interface of `docs/bench_method.md`, run against the same private mosquitto on "
            "loopback in the same run; only ratios within this run mean anything.",
            "",
            f"- date: {m.get('date', '?')}; commit {m.get('commit', '?')}",
            f"- machine: {m.get('machine', '?')}; load average at the end {m.get('load', '?')}",
            f"- broker: {m.get('broker', '?')} (test/support/broker.sh, plain, log_type all)",
            f"- {m.get('compiler', '?')}, Release (-O3)",
            f"- peers: libmosquitto {m.get('pkg.libmosquitto1', '?')}, Paho C {m.get('pkg.libpaho-mqtt1.3', '?')}, "
            f"Paho C++ {m.get('pkg.libpaho-mqttpp3-1', '?')} (Debian packages); valgrind {m.get('pkg.valgrind', '?')}",
            f"- throughput N = {self.n_tput:,} per run, {m.get('rounds', '?')} rounds, clients interleaved; "
            f"delivery check N = {m.get('n_deliver', '?')}; callgrind / allocation / strace N = {self.n_count:,}; "
            f"window (BENCH_INFLIGHT) {m.get('inflight', '?')}",
            "",
            "## Publish",
            "",
        ] + self.table() + [
            "",
            "Ir: instructions (callgrind, all threads), 16 B payload only. allocs and heap bytes: "
            "malloc/calloc/realloc calls and bytes requested (LD_PRELOAD counter). syscalls: strace -f -c. "
            "All four are (value at N − value at N = 0) / N. CPU: the client's user + system time "
            "(getrusage inside the program, all threads, µs resolution) minus its N = 0 runs, per message, "
            "median of the rounds; the section below measures it at a larger N. Broker CPU: mosquitto's "
            "utime + stime from /proc/PID/stat around each run, per message (10 ms ticks, so ±1 µs at "
            "this N). Peak RSS: max resident set of the throughput run. "
            "delivered: messages a separate mosquitto_sub received at the same QoS. "
            "Throughput on a shared 2-vCPU host swings by 2× between back-to-back runs of the same "
            "binary (see min–max); Ir, allocations and syscalls repeat within a few percent and are "
            "the figures to compare.",
            "",
        ]
        for png in pngs:
            lines += [f"![{png}]({png})", ""]
        n_cpu = int(m.get("n_cpu", "0"))
        lines += [
            f"## CPU per message (N = {n_cpu:,}, 16 B payload, window {m.get('inflight', '?')})",
            "",
            "The figure that ranks clients: on two vCPUs mosquitto itself limits msg/s, so every "
            "client reaches about the same rate, while the CPU a client spends per message is its own.",
            "",
        ] + self.cpu_table() + [
            "",
            f"Client CPU: user + system time of the whole process (getrusage(RUSAGE_SELF) when the "
            f"program ends, every thread, µs), minus the median of its N = 0 runs, divided by N; median "
            f"and range over {m.get('rounds', '?')} rounds, clients interleaved. user / system: the same "
            f"split by GNU time (10 ms ticks: ±0.1 µs per message at this N), medians; on loopback "
            f"the system part includes the TCP work of delivering each segment to the broker's "
            f"socket and the client's sleeps and wake-ups. syscalls/msg: strace -f -c "
            f"of a burst of N = {self.n_count:,} (the same figure as above). Broker CPU: mosquitto's "
            f"utime + stime (/proc/PID/stat) before and after each run, per message; the broker logs "
            f"every packet (log_type all), which is part of its cost.",
            "",
        ]
        lines += ["## Connect + disconnect (N = 0)", ""] + self.connect_table() + [
            "",
            "Time: from program start to CONNACK (each client's `connect_s` diagnostic), median of the "
            "rounds. Ir connect + disconnect: the N = 0 run minus the same program stopping at argument "
            "parsing (process start-up and dynamic linking excluded); libmosquitto's includes "
            "`mosquitto_lib_init()` (OpenSSL). Allocations and syscalls: the whole N = 0 process.",
            "",
            "## Library code size",
            "",
        ] + self.size_table() + [
            "",
            "`size`: text + data. Ours: the static libraries as built here (a program links only what it "
            "uses); peers: the shared objects, without their dependencies (OpenSSL, libstdc++).",
            "",
            "## Targets (mqtt_setup poll loop vs libmosquitto, this run)",
            "",
        ] + self.targets() + [""]
        micro = self.micro()
        if micro:
            lines += ["## Micro-benchmarks (bench/micro, Google Benchmark)", ""] + micro + [""]
        with open(os.path.join(out_dir, "benchmarks.md"), "w") as f:
            f.write("\n".join(lines))


def main():
    if len(sys.argv) != 3:
        print("usage: report.py WORK_DIR OUT_DIR", file=sys.stderr)
        return 2
    os.makedirs(sys.argv[2], exist_ok=True)
    Report(sys.argv[1]).write(sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
