#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Measurement driver for tests/bench/discovery.sh.

  discovery-driver.py measure --bin IOTSETUP --work DIR --label L --expect N
                              [--reps 5] [--idle SECONDS] > runs.json
  discovery-driver.py report small.json large.json

`measure` must run inside the lab's host network namespace (discovery.sh
starts it through lab_host_exec, so DBUS_SYSTEM_BUS_ADDRESS points at the
lab's bus). It launches every program itself, fork + exec, and takes the
launch time t0 = CLOCK_MONOTONIC in the child immediately before execve(),
so "time from launch" includes exec, dynamic linking and start-up. The TUI
and avahi-browse run on a pseudo-terminal of 100x30 (the TUI needs one;
avahi-browse then flushes every line); the parent drains it all the time.

  TUI          first-device / all-resolved times come from IOTSETUP_TRACE
               (g_get_monotonic_time = CLOCK_MONOTONIC, same clock as t0).
               Peak RSS is VmHWM from /proc/PID/status read just before 'q'
               is typed. With --idle, the last TUI run stays up SECONDS
               after all-resolved and we record utime+stime (/proc/PID/stat),
               on-CPU ns (/proc/PID/task/*/schedstat) and context switches
               (wake-ups) before and after.
  avahi-browse -arpt: first line starting with '=' (first resolved service)
               as read from the pty, and exit (pidfd readable).
  iotsetup --config EMPTY scan --json --all-types --timeout 20: exit.

Every wait has a deadline; every child gets PR_SET_PDEATHSIG(SIGKILL), so
nothing outlives the driver. Output: one JSON document on stdout.
"""
import argparse
import ctypes
import fcntl
import json
import os
import select
import signal
import statistics
import struct
import sys
import termios
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_DEADLINE_S = 20.0  # any single discovery must finish within this
ROWS, COLS = 30, 100
_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def now_us():
    return time.monotonic_ns() // 1000


def log(*a):
    print("bench:", *a, file=sys.stderr, flush=True)


class Child:
    """A child started with fork + exec; t0 is taken right before execve."""

    def __init__(self, argv, env, pty=False, stdout_path=None, stderr_path=None):
        self.argv = argv
        self.master = None
        slave = None
        if pty:
            self.master, slave = os.openpty()
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        rd, wr = os.pipe()
        parent_pid = os.getpid()
        pid = os.fork()
        if pid == 0:  # child: no Python exceptions may escape
            try:
                os.close(rd)
                _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
                if os.getppid() != parent_pid:
                    os._exit(127)
                if pty:
                    os.close(self.master)
                    os.setsid()
                    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                    for fd in (0, 1, 2):
                        os.dup2(slave, fd)
                    if slave > 2:
                        os.close(slave)
                else:
                    nul = os.open(os.devnull, os.O_RDONLY)
                    os.dup2(nul, 0)
                    out = os.open(stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                    err = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                    os.dup2(out, 1)
                    os.dup2(err, 2)
                t0 = now_us()
                os.write(wr, b"%d" % t0)
                os.close(wr)
                os.execve(argv[0], argv, env)
            except BaseException:
                pass
            os._exit(127)
        os.close(wr)
        if slave is not None:
            os.close(slave)
        self.pid = pid
        self.pidfd = os.pidfd_open(pid)
        data = b""
        while True:
            chunk = os.read(rd, 64)
            if not chunk:
                break
            data += chunk
        os.close(rd)
        if not data:
            raise RuntimeError("could not start %s" % argv[0])
        self.t0 = int(data)
        self.exit_us = None
        self.status = None
        self.rusage = None
        self.output = bytearray()
        self._line = bytearray()
        self.on_line = None  # callback(line_bytes, t_us)

    def _drain(self):
        if self.master is None:
            return
        while True:
            try:
                r, _, _ = select.select([self.master], [], [], 0)
                if not r:
                    return
                data = os.read(self.master, 65536)
            except OSError:  # EIO: the slave side is gone
                return
            if not data:
                return
            t = now_us()
            self.output += data
            if self.on_line:
                self._line += data
                while b"\n" in self._line:
                    line, _, rest = self._line.partition(b"\n")
                    self._line = bytearray(rest)
                    self.on_line(bytes(line).rstrip(b"\r"), t)

    def pump(self, timeout):
        """Wait up to timeout seconds for output or exit; handle both."""
        fds = [self.pidfd] + ([self.master] if self.master is not None else [])
        if self.exit_us is not None:
            fds = [self.master] if self.master is not None else []
        try:
            r, _, _ = select.select(fds, [], [], max(0.0, timeout))
        except InterruptedError:
            r = []
        t = now_us()
        if self.master is not None and self.master in r:
            self._drain()
        if self.exit_us is None and self.pidfd in r:
            self.exit_us = t
            self._drain()
            _, self.status, self.rusage = os.wait4(self.pid, 0)

    def wait_exit(self, deadline_s):
        end = time.monotonic() + deadline_s
        while self.exit_us is None and time.monotonic() < end:
            self.pump(end - time.monotonic())
        return self.exit_us is not None

    def send(self, data):
        os.write(self.master, data)

    def kill(self):
        """Make sure the child is gone (TERM, then KILL) and reaped."""
        for sig, grace in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 2.0)):
            if self.exit_us is not None:
                break
            try:
                signal.pidfd_send_signal(self.pidfd, sig)
            except ProcessLookupError:
                pass
            self.wait_exit(grace)

    def close(self):
        self.kill()
        for fd in (self.master, self.pidfd):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.master = self.pidfd = None

    def cpu_ms_rusage(self):
        if self.rusage is None:
            return None
        return round((self.rusage.ru_utime + self.rusage.ru_stime) * 1000, 1)


def proc_status(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def proc_cpu(pid):
    """(utime+stime in ms from /proc/PID/stat, on-CPU ns summed over
    threads from schedstat, context switches summed over threads)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    ns = 0
    switches = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        base = "/proc/%d/task/%s/" % (pid, tid)
        try:
            with open(base + "schedstat") as f:
                ns += int(f.read().split()[0])
            with open(base + "status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        switches += int(line.split()[1])
        except OSError:
            pass
    threads = len(os.listdir("/proc/%d/task" % pid))
    return {"cpu_ms": ticks * 1000 / CLK_TCK, "oncpu_ns": ns, "switches": switches,
            "threads": threads}


def read_trace(path):
    ev = {}
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[1] not in ev:
                    ev[parts[1]] = (int(parts[0]), parts[2] if len(parts) > 2 else "")
    except FileNotFoundError:
        pass
    return ev


def run_tui(args, run_dir, idle_s=0):
    os.makedirs(run_dir)
    trace = os.path.join(run_dir, "trace")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": run_dir,
        "TERM": "screen-256color",
        "LANG": "C.UTF-8",
        "XDG_STATE_HOME": os.path.join(run_dir, "state"),  # fresh: no remembered devices
        "XDG_CONFIG_HOME": os.path.join(run_dir, "config"),
        "IOTSETUP_TRACE": trace,
        "DBUS_SYSTEM_BUS_ADDRESS": os.environ["DBUS_SYSTEM_BUS_ADDRESS"],
    }
    c = Child([args.bin, "--config", args.conf], env, pty=True)
    res = {"tool": "tui", "t0": c.t0}
    try:
        end = time.monotonic() + PAGE_DEADLINE_S
        while time.monotonic() < end and c.exit_us is None:
            c.pump(0.02)
            if "all-resolved" in read_trace(trace):
                break
        ev = read_trace(trace)
        if "first-device" in ev:
            res["first_ms"] = (ev["first-device"][0] - c.t0) / 1000
            res["first_n"] = int(ev["first-device"][1])
        if "all-resolved" not in ev:
            res["error"] = "no all-resolved within %gs (exited: %s)" % (
                PAGE_DEADLINE_S, c.exit_us is not None)
            return res
        res["all_ms"] = (ev["all-resolved"][0] - c.t0) / 1000
        res["all_n"] = int(ev["all-resolved"][1])
        if idle_s:
            # Discovery is complete: from now on the program has nothing to
            # do unless the network changes (it does not, in the lab).
            a, ta = proc_cpu(c.pid), now_us()
            end = time.monotonic() + idle_s
            while time.monotonic() < end and c.exit_us is None:
                c.pump(end - time.monotonic())
            if c.exit_us is not None:
                res["error"] = "the TUI exited during the idle period"
                return res
            b, tb = proc_cpu(c.pid), now_us()
            wall = (tb - ta) / 1e6
            res["idle"] = {
                "seconds": round(wall, 3),
                "cpu_ms": b["cpu_ms"] - a["cpu_ms"],
                "cpu_pct": (b["cpu_ms"] - a["cpu_ms"]) / 10 / wall,
                "oncpu_ms": (b["oncpu_ns"] - a["oncpu_ns"]) / 1e6,
                "switches": b["switches"] - a["switches"],
                "threads": b["threads"],
                "start_after_launch_ms": (ta - c.t0) / 1000,
            }
        else:
            c.pump(0.05)  # let the redraw that traced all-resolved finish
        res["vmhwm_kb"] = proc_status(c.pid, "VmHWM")
        res["vmrss_kb"] = proc_status(c.pid, "VmRSS")
        res["cpu_total_ms_before_quit"] = proc_cpu(c.pid)["cpu_ms"]
        c.send(b"q")
        tq = now_us()
        if not c.wait_exit(5.0):
            res["error"] = "did not quit within 5 s of 'q'"
            return res
        res["quit_ms"] = (c.exit_us - tq) / 1000
        res["exit_status"] = os.waitstatus_to_exitcode(c.status)
        res["cpu_ms"] = c.cpu_ms_rusage()
        return res
    finally:
        c.close()
        with open(os.path.join(run_dir, "pty-output"), "wb") as f:
            f.write(c.output)


def run_browse(args, run_dir):
    os.makedirs(run_dir)
    env = dict(os.environ, LANG="C.UTF-8", TERM="dumb")
    first = {}
    hosts, resolved = set(), [0]

    def on_line(line, t):
        if line.startswith(b"="):
            resolved[0] += 1
            f = line.split(b";")
            if len(f) > 6:
                hosts.add(f[6].lower())
            first.setdefault("t", t)

    c = Child(["/usr/bin/avahi-browse", "-arpt"], env, pty=True)
    c.on_line = on_line
    res = {"tool": "avahi-browse", "t0": c.t0}
    try:
        if not c.wait_exit(PAGE_DEADLINE_S):
            res["error"] = "avahi-browse -arpt did not exit within %gs" % PAGE_DEADLINE_S
            return res
        c.pump(0)
        if c.on_line and c._line:
            on_line(bytes(c._line).rstrip(b"\r"), c.exit_us)
        with open(os.path.join(run_dir, "output"), "wb") as f:
            f.write(c.output)
        res["exit_ms"] = (c.exit_us - c.t0) / 1000
        res["exit_status"] = os.waitstatus_to_exitcode(c.status)
        res["resolved_lines"] = resolved[0]
        res["hosts"] = len(hosts)
        res["cpu_ms"] = c.cpu_ms_rusage()
        if "t" in first:
            res["first_ms"] = (first["t"] - c.t0) / 1000
        else:
            res["error"] = "avahi-browse printed no resolved ('=') line"
        return res
    finally:
        c.close()


def run_scan(args, run_dir):
    os.makedirs(run_dir)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": run_dir,
        "LANG": "C.UTF-8",
        "XDG_STATE_HOME": os.path.join(run_dir, "state"),
        "XDG_CONFIG_HOME": os.path.join(run_dir, "config"),
        "DBUS_SYSTEM_BUS_ADDRESS": os.environ["DBUS_SYSTEM_BUS_ADDRESS"],
    }
    out, err = os.path.join(run_dir, "scan.json"), os.path.join(run_dir, "scan.err")
    c = Child([args.bin, "--config", args.conf, "scan", "--json", "--all-types",
               "--timeout", "20"], env, stdout_path=out, stderr_path=err)
    res = {"tool": "scan", "t0": c.t0}
    try:
        if not c.wait_exit(PAGE_DEADLINE_S + 5):
            res["error"] = "scan did not exit"
            return res
        res["exit_ms"] = (c.exit_us - c.t0) / 1000
        res["exit_status"] = os.waitstatus_to_exitcode(c.status)
        res["cpu_ms"] = c.cpu_ms_rusage()
        try:
            with open(out) as f:
                doc = json.load(f)
            res["devices"] = len(doc.get("devices", []))
            res["complete"] = bool(doc.get("complete"))
        except (OSError, ValueError) as e:
            res["error"] = "scan output is not JSON: %s" % e
        return res
    finally:
        c.close()


def measure(args):
    runners = {"tui": run_tui, "avahi-browse": run_browse, "scan": run_scan}
    order = ["tui", "avahi-browse", "scan"]
    runs = []
    t_start = time.monotonic()
    # An empty configuration file: built-in defaults, whatever is in /etc.
    # (/dev/null is refused: iotsetup wants a regular file.)
    os.makedirs(args.work, exist_ok=True)
    args.conf = os.path.join(args.work, "empty.conf")
    open(args.conf, "w").close()
    # Avahi sends a browser's ALL_FOR_NOW one second after the *querier* for
    # its type was created, and a querier nobody uses any more lingers until
    # its next query time (1, 3, 7, 15 s... after creation), ready to be
    # recycled with its old creation time. A run that starts while the
    # previous client's queriers linger would get ALL_FOR_NOW at once, so
    # every run starts from the same "cold" state: --settle seconds after
    # lab_up (whose checks browse repeatedly) and --gap seconds after each run.
    time.sleep(args.settle)
    # One unrecorded warm-up of each (page cache, binaries, the daemon's
    # first D-Bus clients); then the tools interleaved, so drift in the lab
    # affects all of them alike.
    for rep in range(-1, args.reps):
        for tool in order:
            idle = args.idle if (tool == "tui" and rep == args.reps - 1) else 0
            run_dir = os.path.join(args.work, "%s-%s-%d" % (args.label, tool, rep + 1))
            kw = {"idle_s": idle} if tool == "tui" else {}
            try:
                r = runners[tool](args, run_dir, **kw)
            except OverBudget:
                raise
            except Exception as e:  # report, keep going
                r = {"tool": tool, "error": "%s: %s" % (type(e).__name__, e)}
            r["rep"] = rep + 1
            r["warmup"] = rep < 0
            runs.append(r)
            log("%s %s rep %d: %s" % (args.label, tool, rep + 1,
                                      {k: v for k, v in r.items() if k not in ("t0", "tool")}))
            if not (rep == args.reps - 1 and tool == order[-1]):
                time.sleep(args.gap)
    json.dump({"label": args.label, "expect": args.expect, "services": args.services,
               "reps": args.reps,
               "seconds": round(time.monotonic() - t_start, 1), "gap": args.gap,
            "settle": args.settle, "runs": runs},
              sys.stdout, indent=1)
    print()
    return 0


# ---------------------------------------------------------------------------
# report

TARGET_FIRST_MS = 300.0
TARGET_RSS_BYTES = 10_000_000  # "10 MB", decimal: the stricter reading
TARGET_IDLE_PCT = 0.1  # "near zero": under 0.1 % of one core (30 ms in 30 s)


def stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def report(args):
    docs = []
    for p in args.files:
        with open(p) as f:
            docs.append(json.load(f))
    bench = []  # (name, value, unit)
    problems = []
    rows = []
    verdicts = []

    def fig(name, value, unit, fmt="%.1f"):
        bench.append((name, fmt % value, unit))

    def ok(b):
        return bool(b)

    for d in docs:
        n = d["expect"]
        runs = [r for r in d["runs"] if not r.get("warmup")]
        by = {t: [r for r in runs if r["tool"] == t] for t in ("tui", "avahi-browse", "scan")}
        for r in runs:
            if "error" in r:
                problems.append("%s devices, %s rep %d: %s" % (n, r["tool"], r["rep"], r["error"]))
        for r in by["tui"]:
            if r.get("all_n") is not None and r["all_n"] != n:
                problems.append("%s devices, tui rep %d: all-resolved shows %d devices"
                                % (n, r["rep"], r["all_n"]))
        for r in by["scan"]:
            if r.get("devices") is not None and (r["devices"] != n or not r.get("complete")):
                problems.append("%s devices, scan rep %d: %d devices, complete=%s"
                                % (n, r["rep"], r["devices"], r.get("complete")))
        for r in by["avahi-browse"]:
            if r.get("hosts") is not None and r["hosts"] != n:
                problems.append("%s devices, avahi-browse rep %d: %d host names"
                                % (n, r["rep"], r["hosts"]))

        # ALL_FOR_NOW comes >= 1 s after a cold querier; less means the run
        # recycled a lingering one and is not comparable.
        for r in runs:
            v = r.get("all_ms", r.get("exit_ms"))
            if v is not None and v < 950:
                problems.append("%s devices, %s rep %d: finished in %.0f ms (< 1 s): Avahi "
                                "querier recycled, raise --gap/--settle"
                                % (n, r["tool"], r["rep"], v))
        S = {
            "tui_first": stats([r.get("first_ms") for r in by["tui"]]),
            "tui_all": stats([r.get("all_ms") for r in by["tui"]]),
            "browse_first": stats([r.get("first_ms") for r in by["avahi-browse"]]),
            "browse_exit": stats([r.get("exit_ms") for r in by["avahi-browse"]]),
            "scan_exit": stats([r.get("exit_ms") for r in by["scan"]]),
            "tui_hwm": stats([r.get("vmhwm_kb") for r in by["tui"]]),
            "tui_cpu": stats([r.get("cpu_ms") for r in by["tui"] if "idle" not in r]),
            "browse_cpu": stats([r.get("cpu_ms") for r in by["avahi-browse"]]),
            "scan_cpu": stats([r.get("cpu_ms") for r in by["scan"]]),
        }
        labels = {
            "tui_first": "TUI: launch -> first device shown",
            "tui_all": "TUI: launch -> all devices resolved",
            "browse_first": "avahi-browse -arpt: launch -> first '=' line",
            "browse_exit": "avahi-browse -arpt: launch -> exit",
            "scan_exit": "iotsetup scan --json --all-types: launch -> exit",
        }
        names = {"tui_first": "tui_first_device", "tui_all": "tui_all_resolved",
                 "browse_first": "avahi_browse_first_resolved", "browse_exit": "avahi_browse_exit",
                 "scan_exit": "scan_exit"}
        for key, label in labels.items():
            s = S[key]
            if s is None:
                problems.append("%s devices: no measurement for %s" % (n, label))
                continue
            rows.append((n, label, "%.1f ms" % s["median"], "%.1f-%.1f" % (s["min"], s["max"]),
                         s["n"]))
            for k in ("median", "min", "max"):
                fig("%s_%s_%ddev" % (names[key], k, n), s[k], "ms")
        for key, name, label, unit in (
                ("tui_hwm", "tui_peak_rss", "TUI: peak RSS (VmHWM before 'q')", "KiB"),
                ("tui_cpu", "tui_cpu", "TUI: CPU, launch -> quit (rusage)", "ms"),
                ("browse_cpu", "avahi_browse_cpu", "avahi-browse: CPU, whole run (rusage)", "ms"),
                ("scan_cpu", "scan_cpu", "scan: CPU, whole run (rusage)", "ms")):
            s = S[key]
            if s is None:
                continue
            rows.append((n, label, "%.0f %s" % (s["median"], unit),
                         "%.0f-%.0f" % (s["min"], s["max"]), s["n"]))
            fig("%s_median_%ddev" % (name, n), s["median"], unit, "%.0f")

        def ratio(a, b, name, label):
            if S[a] and S[b] and S[b]["median"] > 0:
                v = S[a]["median"] / S[b]["median"]
                rows.append((n, label, "%.2f x" % v, "", ""))
                fig("%s_%ddev" % (name, n), v, "ratio", "%.2f")
                return v
            return None

        ratio("tui_first", "browse_first", "ratio_first_tui_over_avahi_browse",
              "ratio first device: TUI / avahi-browse")
        r_all = ratio("tui_all", "browse_exit", "ratio_all_tui_over_avahi_browse",
                      "ratio all resolved: TUI / avahi-browse exit")
        ratio("scan_exit", "browse_exit", "ratio_exit_scan_over_avahi_browse",
              "ratio exit: scan / avahi-browse")

        if S["tui_first"]:
            s = S["tui_first"]
            verdicts.append(("first device <= %.0f ms after launch (%d devices)" % (TARGET_FIRST_MS, n),
                             "median %.1f ms, max %.1f ms" % (s["median"], s["max"]),
                             ok(s["median"] <= TARGET_FIRST_MS)))
        if r_all is not None:
            verdicts.append(("all resolved no later than avahi-browse -arpt (%d devices)" % n,
                             "TUI %.1f ms vs avahi-browse %.1f ms (%.2f x)"
                             % (S["tui_all"]["median"], S["browse_exit"]["median"], r_all),
                             ok(r_all <= 1.0)))
        if n == max(x["expect"] for x in docs):
            if S["tui_hwm"]:
                kb = S["tui_hwm"]["max"]
                rows.append((n, "TUI: peak RSS, worst run", "%.2f MB" % (kb * 1024 / 1e6), "", ""))
                fig("tui_peak_rss_max_%ddev" % n, kb, "KiB", "%.0f")
                verdicts.append(("peak RSS < 10 MB with %d devices" % n,
                                 "%d KiB = %.2f MB (VmHWM, worst of %d runs)"
                                 % (kb, kb * 1024 / 1e6, S["tui_hwm"]["n"]),
                                 ok(kb * 1024 < TARGET_RSS_BYTES)))
            idle = [r["idle"] for r in by["tui"] if "idle" in r]
            if idle:
                i = idle[0]
                rows.append((n, "TUI idle %.0f s after all-resolved: utime+stime" % i["seconds"],
                             "%.0f ms" % i["cpu_ms"], "%.3f %% of a core" % i["cpu_pct"], 1))
                rows.append((n, "TUI idle: on-CPU time (schedstat, ns resolution)",
                             "%.3f ms" % i["oncpu_ms"], "", 1))
                rows.append((n, "TUI idle: context switches (wake-ups), all %d threads"
                             % i["threads"], "%d" % i["switches"], "", 1))
                fig("tui_idle_cpu_%ddev" % n, i["cpu_ms"], "ms", "%.0f")
                fig("tui_idle_cpu_pct_%ddev" % n, i["cpu_pct"], "%", "%.3f")
                fig("tui_idle_oncpu_%ddev" % n, i["oncpu_ms"], "ms", "%.3f")
                fig("tui_idle_wakeups_%ddev" % n, i["switches"], "count", "%d")
                fig("tui_idle_seconds_%ddev" % n, i["seconds"], "s", "%.1f")
                verdicts.append(("idle CPU near zero (< %.1f %% of a core) with %d devices"
                                 % (TARGET_IDLE_PCT, n),
                                 "%.0f ms in %.0f s = %.3f %%; %.3f ms on CPU; %d wake-ups"
                                 % (i["cpu_ms"], i["seconds"], i["cpu_pct"], i["oncpu_ms"],
                                    i["switches"]),
                                 ok(i["cpu_pct"] < TARGET_IDLE_PCT)))
            else:
                problems.append("no idle-CPU measurement")

    w = max(len(r[1]) for r in rows) if rows else 40
    print()
    print("iotsetup discovery benchmark: times from launch (execve); each tool %s, after 1 warm-up;"
          % ", ".join("%d runs with %d devices" % (d["reps"], d["expect"]) for d in docs))
    print("labs: " + "; ".join("%d devices publishing %d services (each seen on IPv4 and IPv6)"
                               % (d["expect"], d["services"]) for d in docs)
          + "; %.1f s pause between runs" % docs[0].get("gap", 0))
    print()
    print("%7s  %-*s  %14s  %20s  %s" % ("devices", w, "figure", "median", "min-max", "runs"))
    print("%7s  %s  %s  %s  %s" % ("-" * 7, "-" * w, "-" * 14, "-" * 20, "----"))
    for n, label, med, rng, cnt in rows:
        print("%7s  %-*s  %14s  %20s  %s" % (n, w, label, med, rng, cnt))
    print()
    print("Targets (judged on the median; the script exits 0 either way):")
    for what, got, met in verdicts:
        print("  %-7s %-62s %s" % ("MET" if met else "MISSED", what, got))
    if problems:
        print()
        print("Problems:")
        for p in problems:
            print("  " + p)
    print()
    for name, value, unit in bench:
        print("BENCH %s=%s %s" % (name, value, unit))
    for what, got, met in verdicts:
        key = "".join(ch if ch.isalnum() else "_" for ch in what.lower()).strip("_")
        while "__" in key:
            key = key.replace("__", "_")
        print("BENCH target_%s=%d bool" % (key, 1 if met else 0))
    # Could we measure? Every headline figure must be there.
    measured = all(
        any(r.get("tool") == "tui" and "all_ms" in r and not r.get("warmup") for r in d["runs"])
        and any(r.get("tool") == "avahi-browse" and "exit_ms" in r and not r.get("warmup")
                for r in d["runs"])
        and any(r.get("tool") == "scan" and "exit_ms" in r and not r.get("warmup")
                for r in d["runs"])
        for d in docs)
    measured = measured and any(v[0].startswith("idle CPU") for v in verdicts) \
        and any(v[0].startswith("peak RSS") for v in verdicts)
    return 0 if measured else 3


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--bin", required=True)
    m.add_argument("--work", required=True)
    m.add_argument("--label", required=True)
    m.add_argument("--expect", type=int, required=True)
    m.add_argument("--reps", type=int, default=5)
    m.add_argument("--services", type=int, default=0, help="for the report only")
    m.add_argument("--idle", type=float, default=0)
    m.add_argument("--gap", type=float, default=2.2,
                   help="pause after each run (lingering Avahi queriers expire)")
    m.add_argument("--settle", type=float, default=8,
                   help="pause before the first run")
    m.add_argument("--budget", type=int, default=0,
                   help="give up (exit 4) after this many seconds in all")
    m.add_argument("--pidfile")
    m.add_argument("--netns", required=True, help="the lab's host namespace (checked)")
    r = sub.add_parser("report")
    r.add_argument("files", nargs="+")
    args = ap.parse_args()
    if args.cmd == "measure":
        # Discovery only ever runs inside the lab: make sure we are in it.
        me, lab = os.stat("/proc/self/ns/net"), os.stat("/run/netns/" + args.netns)
        if (me.st_dev, me.st_ino) != (lab.st_dev, lab.st_ino):
            log("not inside network namespace %s: run me through lab_host_exec" % args.netns)
            return 2
        if "DBUS_SYSTEM_BUS_ADDRESS" not in os.environ:
            log("DBUS_SYSTEM_BUS_ADDRESS is not set: run me through lab_host_exec")
            return 2
        if args.pidfile:
            with open(args.pidfile, "w") as f:
                f.write("%d\n" % os.getpid())
        if args.budget:
            signal.signal(signal.SIGALRM, _over_budget)
            signal.alarm(args.budget)
        # SIGTERM/SIGHUP unwind like ^C, so every child is stopped and reaped.
        signal.signal(signal.SIGTERM, _over_budget)
        signal.signal(signal.SIGHUP, _over_budget)
        try:
            return measure(args)
        except OverBudget as e:
            log("stopped: %s" % e)
            return 4
    return report(args)


class OverBudget(Exception):
    pass


def _over_budget(signum, frame):
    raise OverBudget("signal %d (over budget or asked to stop)" % signum)


if __name__ == "__main__":
    sys.exit(main())
