#!/usr/bin/env python3
"""Flash and RAM of the core on a microcontroller, measured by the footprint method of
docs/size.md (Cortex-M4, RV32IMC, Xtensa lx106).

  size-report.py check  --nm NM IMAGE.elf
      Fails (exit 1) if the image links anything that needs a heap, exceptions or RTTI.
  size-report.py report --nm NM --min MIN.map --full FULL.map --probe size_probe.obj
                        --session-archive libmqtt_setup_session.a [--target NAME]
                        [--output size.md] [--json size.json]
      Prints the Markdown size table of one target (and writes it to --output; --json keeps
      the totals for `compare`).
  size-report.py compare A/size.json B/size.json ... [--output table.md]
      The totals of several targets side by side, one column each.
  size-report.py versions A/size.json B/size.json ... [--output table.md]
      The totals of the protocol builds (3.1.1 only, 5 only, both) of one or more targets.

"Library flash" counts only the input sections of our own objects (libmqtt_setup_codec.a,
libmqtt_setup_session.a, libmqtt_setup_util.a) that the linker kept, read from the GNU ld map
file: the C library, start-up code and the footprint program itself are not ours and not counted.
"""
import argparse
import json
import re
import subprocess
import sys

# Symbols a core without heap, exceptions and RTTI must never link (DESIGN.md, Memory).
FORBIDDEN = [
    (re.compile(r"^(malloc|calloc|realloc|free|_malloc_r|_free_r|sbrk|_sbrk)$"), "heap"),
    (re.compile(r"^_Zn[wa][jm]"), "operator new"),
    (re.compile(r"^_Zd[la]Pv"), "operator delete"),
    (re.compile(r"^__cxa_(throw|allocate_exception|begin_catch|rethrow)$"), "exceptions"),
    (re.compile(r"^__gxx_personality"), "exceptions"),
    (re.compile(r"^_ZT[IS]"), "RTTI (typeinfo)"),
    (re.compile(r"^__dynamic_cast$"), "RTTI (dynamic_cast)"),
]
# Soft-float runtime: ~1 KB on a Cortex-M4 without FPU (docs/size.md). Reported, not fatal.
# ARM EABI names, and libgcc's generic ones (RISC-V, Xtensa).
SOFT_FLOAT = re.compile(r"^__aeabi_(d|f)(add|sub|mul|div|cmp|2|to)|^__aeabi_[ui]?[l]?2[df]$"
                        r"|^__(add|sub|mul|div)[sd]f3$|^__float(un)?[sd]i[sd]f$"
                        r"|^__fix(uns)?[sd]f[sd]i$|^__(eq|ne|lt|le|gt|ge|unord)[sd]f2$"
                        r"|^__extendsfdf2$|^__truncdfsf2$")

LAYERS = [
    ("codec", re.compile(r"libmqtt_setup_codec\.a\(")),
    ("backoff", re.compile(r"libmqtt_setup_session\.a\(backoff\.")),
    ("session", re.compile(r"libmqtt_setup_session\.a\(")),
    # CRC-32 for the deep-sleep snapshots: not in these images today, counted if it ever is.
    ("util", re.compile(r"libmqtt_setup_util\.a\(")),
]


def run(args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def defined_symbols(nm, path):
    names = set()
    for line in run([nm, "--defined-only", path]).splitlines():
        parts = line.split()
        if len(parts) == 3:
            names.add(parts[2])
    return names


def undefined_symbols(nm, path):
    return {line.split()[-1] for line in run([nm, "--undefined-only", path]).splitlines()
            if line.strip()}


def check(args):
    symbols = defined_symbols(args.nm, args.image) | undefined_symbols(args.nm, args.image)
    problems = sorted({f"{name} ({why})" for name in symbols for pattern, why in FORBIDDEN
                       if pattern.search(name)})
    if problems:
        print(f"size-report: {args.image} links what the core must never need:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    floats = sorted(name for name in symbols if SOFT_FLOAT.search(name))
    if floats:
        print(f"size-report: warning: {args.image} links soft-float runtime: {' '.join(floats)}")
    return 0


def category(section):
    # RISC-V's small-data sections (.srodata, .sdata, .sbss) count as their large kin; Xtensa's
    # literal pools (.literal: the constants l32r loads, next to the code) count as code.
    for prefix, name in ((".text", "text"), (".literal", "text"), (".rodata", "rodata"),
                         (".srodata", "rodata"), (".data", "data"), (".sdata", "data"),
                         (".bss", "bss"), (".sbss", "bss"), ("COMMON", "bss"),
                         (".ARM.exidx", "unwind"), (".ARM.extab", "unwind")):
        if section.startswith(prefix):
            return name
    return None  # debug info, comments, attributes, groups: not in the image


def layer_of(path):
    for name, pattern in LAYERS:
        if pattern.search(path):
            return name
    return None


INPUT_LINE = re.compile(r"^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
INPUT_NAME = re.compile(r"^ (\S+)$")
INPUT_REST = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")


def kept_sections(map_path):
    """(layer, category, section name, size) of every kept input section of our objects."""
    with open(map_path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    try:
        start = lines.index("Linker script and memory map")
    except ValueError:
        sys.exit(f"size-report: {map_path} is not a GNU ld map file")
    sections = []
    pending = None
    for line in lines[start + 1:]:
        if pending is not None:
            rest = INPUT_REST.match(line)
            pending_name, pending = pending, None
            if rest:
                sections.append((pending_name, int(rest.group(1), 16), int(rest.group(2), 16),
                                 rest.group(3)))
                continue
        whole = INPUT_LINE.match(line)
        if whole:
            sections.append((whole.group(1), int(whole.group(2), 16), int(whole.group(3), 16),
                             whole.group(4)))
            continue
        alone = INPUT_NAME.match(line)
        if alone:
            pending = alone.group(1)
    result = []
    for name, address, size, path in sections:
        layer, kind = layer_of(path), category(name)
        if layer and kind and size > 0:
            result.append((layer, kind, name, size))
    return result


def totals(sections):
    sums = {}
    for layer, kind, _, size in sections:
        sums[(layer, kind)] = sums.get((layer, kind), 0) + size
    return sums


def flash(sums, layer=None):
    return sum(size for (l, k), size in sums.items()
               if (layer is None or l == layer) and k in ("text", "rodata", "data", "unwind"))


def ram(sums, layer=None):
    return sum(size for (l, k), size in sums.items()
               if (layer is None or l == layer) and k in ("data", "bss"))


def object_code_size(nm, archive, member):
    """Code + constants of one archive member (all its functions, as if every one were kept)."""
    total = 0
    current = None
    for line in run([nm, "-S", "--defined-only", archive]).splitlines():
        if line.endswith(":"):
            current = line[:-1]
            continue
        parts = line.split()
        if current == member and len(parts) == 4 and parts[2] in "TtRrDd":
            total += int(parts[1], 16)
    return total


def probe_sizes(nm, probe):
    sizes = {}
    for line in run([nm, "-S", "--defined-only", probe]).splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3].startswith("mqtt_setup_sizeof_"):
            sizes[parts[3][len("mqtt_setup_sizeof_"):]] = int(parts[1], 16)
    return sizes


def demangle(names, cxxfilt):
    try:
        out = run([cxxfilt] + names)
        return out.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return names


def fmt(n):
    return f"{n:,}"


def report(args):
    min_sections = kept_sections(args.min)
    full_sections = kept_sections(args.full)
    mins, fulls = totals(min_sections), totals(full_sections)
    probe = probe_sizes(args.nm, args.probe)
    session_size = probe.get("Session", 0)
    cxxfilt = args.nm.replace("nm", "c++filt")
    backoff = object_code_size(args.nm, args.session_archive, "backoff.cpp.obj")

    out = []
    out.append("| layer | flash MIN | flash FULL | of which .text / .rodata (FULL) | static RAM |")
    out.append("|---|---:|---:|---:|---:|")
    # util gets a row only when the images link some of it (today they do not).
    layers = ["codec", "session"] + [l for l in ("util",) if any(k[0] == l for k in fulls)]
    for layer in layers:
        out.append(f"| {layer} | {fmt(flash(mins, layer))} B | {fmt(flash(fulls, layer))} B | "
                   f"{fmt(fulls.get((layer, 'text'), 0))} / {fmt(fulls.get((layer, 'rodata'), 0))}"
                   f" | {fmt(ram(fulls, layer))} B |")
    out.append(f"| **library ({' + '.join(layers)})** | **{fmt(flash(mins))} B** | "
               f"**{fmt(flash(fulls))} B** | {fmt(sum(fulls.get((l, 'text'), 0) for l in layers))}"
               f" / {fmt(sum(fulls.get((l, 'rodata'), 0) for l in layers))} | "
               f"{fmt(ram(fulls))} B |")
    out.append(f"| backoff (for a reconnecting driver; not in MIN/FULL) | | {fmt(backoff)} B | | 0 B |")
    unwind = sum(size for (l, k), size in fulls.items() if k == "unwind")
    out.append("")
    out.append(f"Unwind tables of ours in FULL (.ARM.exidx/.extab, counted in flash): {fmt(unwind)} B.")
    out.append("")
    out.append("| | bytes |")
    out.append("|---|---:|")
    out.append(f"| context: sizeof(Session), without caller buffers | {fmt(session_size)} B |")
    for name in ("SessionConfig", "Event"):
        if name in probe:
            out.append(f"| of which sizeof({name}) | {fmt(probe[name])} B |")
    out.append("")
    out.append("RAM one client needs (core only: Session + the caller's receive, store and "
               "transmit buffers; the session's tables, sized by the caller in SessionBuffers "
               "(acknowledgements, incoming QoS 2 ids, events), and the facade's thread, socket "
               "and TLS are extra):")
    out.append("")
    out.append("| rx buffer | store | tx buffer | total RAM |")
    out.append("|---:|---:|---:|---:|")
    for rx, store, tx in ((512, 1024, 512), (1024, 4096, 1024), (4096, 16384, 4096),
                          (4096, 65536, 4096)):
        out.append(f"| {fmt(rx)} | {fmt(store)} | {fmt(tx)} | "
                   f"{fmt(session_size + rx + store + tx + ram(fulls))} B |")
    out.append("")
    out.append("Largest kept input sections of ours in FULL (what costs the most):")
    out.append("")
    out.append("| bytes | layer | function or data |")
    out.append("|---:|---|---|")
    top = sorted(full_sections, key=lambda s: -s[3])[: args.top]
    names = []
    for _, kind, name, _ in top:
        symbol = re.sub(r"^\.(text|literal|s?rodata|s?data|s?bss)\.", "", name)
        names.append(symbol)
    for (layer, kind, name, size), pretty in zip(top, demangle(names, cxxfilt)):
        pretty = pretty.replace("std::basic_string_view<char, std::char_traits<char> >",
                                "std::string_view").replace("|", "\\|")
        if len(pretty) > 110:
            pretty = pretty[:107] + "..."
        out.append(f"| {fmt(size)} | {layer} | `{pretty}` ({kind}) |")
    text = "\n".join(out) + "\n"
    print(text)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"target": args.target, "protocols": args.protocols,
                       "flash_min": flash(mins), "flash_full": flash(fulls),
                       "ram": ram(fulls), "context": session_size,
                       "codec_full": flash(fulls, "codec"),
                       "session_full": flash(fulls, "session")}, f, indent=1)
            f.write("\n")
    return 0


def compare(args):
    targets = []
    for path in args.reports:
        with open(path, encoding="utf-8") as f:
            targets.append(json.load(f))
    rows = [
        ("library flash MIN–FULL", lambda t: f"{fmt(t['flash_min'])}–{fmt(t['flash_full'])} B"),
        ("of which codec / session (FULL)",
         lambda t: f"{fmt(t['codec_full'])} / {fmt(t['session_full'])} B"),
        ("static RAM (.data + .bss)", lambda t: f"{fmt(t['ram'])} B"),
        ("context: sizeof(Session)", lambda t: f"{fmt(t['context'])} B"),
    ]
    out = ["| | " + " | ".join(t["target"] for t in targets) + " |",
           "|---|" + "---:|" * len(targets)]
    for title, cell in rows:
        out.append(f"| {title} | " + " | ".join(cell(t) for t in targets) + " |")
    text = "\n".join(out) + "\n"
    print(text)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


PROTOCOL_BUILDS = (("3.1.1", "3.1.1 only"), ("5", "5 only"), ("both", "3.1.1 and 5 (default)"))


def versions(args):
    """One row per protocol build (MQTT_SETUP_PROTOCOLS), one column per target."""
    reports = []
    for path in args.reports:
        with open(path, encoding="utf-8") as f:
            reports.append(json.load(f))
    targets = list(dict.fromkeys(r["target"] for r in reports))
    by_key = {(r.get("protocols", "both"), r["target"]): r for r in reports}
    out = ["| versions built in (`MQTT_SETUP_PROTOCOLS`) | "
           + " | ".join(f"{t} MIN–FULL" for t in targets) + " | codec / session (FULL, "
           + targets[0] + ") | sizeof(Session) |",
           "|---|" + "---:|" * (len(targets) + 2)]
    for key, title in PROTOCOL_BUILDS:
        row = [by_key.get((key, t)) for t in targets]
        if not any(row):
            continue
        cells = [f"{fmt(r['flash_min'])}–{fmt(r['flash_full'])} B" if r else "—" for r in row]
        first = row[0]
        split = f"{fmt(first['codec_full'])} / {fmt(first['session_full'])} B" if first else "—"
        context = next(f"{fmt(r['context'])} B" for r in row if r)
        out.append(f"| {title} | " + " | ".join(cells) + f" | {split} | {context} |")
    text = "\n".join(out) + "\n"
    print(text)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check")
    c.add_argument("--nm", default="arm-none-eabi-nm")
    c.add_argument("image")
    r = sub.add_parser("report")
    r.add_argument("--nm", default="arm-none-eabi-nm")
    r.add_argument("--min", required=True)
    r.add_argument("--full", required=True)
    r.add_argument("--session-archive", required=True)
    r.add_argument("--probe", required=True)
    r.add_argument("--output")
    r.add_argument("--json")
    r.add_argument("--target", default="Cortex-M4")
    r.add_argument("--protocols", default="both", help="MQTT_SETUP_PROTOCOLS of the build")
    r.add_argument("--top", type=int, default=20)
    m = sub.add_parser("compare")
    m.add_argument("reports", nargs="+")
    m.add_argument("--output")
    v = sub.add_parser("versions")
    v.add_argument("reports", nargs="+")
    v.add_argument("--output")
    args = parser.parse_args()
    return {"check": check, "report": report, "compare": compare,
            "versions": versions}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
