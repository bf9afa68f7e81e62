#!/usr/bin/python3
"""key-latency.py - how long the assistant takes to answer a keypress.

Drives a running assistant in tmux: sends KEY, then reads the screen with
`tmux capture-pane` in a tight loop until TEXT shows, and records the time;
then sends CLOSE and waits until TEXT is gone. Repeats N times and prints
one line per sample and a summary line:
    latency_ms samples=N median=M p95=P max=X
Exits 1 if TEXT did not show within TIMEOUT ms in some sample.

    key-latency.py SOCKET TARGET KEY TEXT CLOSE N [TIMEOUT_MS]
"""

import statistics
import subprocess
import sys
import time


def screen(sock, target):
    return subprocess.run(["tmux", "-S", sock, "capture-pane", "-p", "-t", target],
                          capture_output=True, text=True, check=False).stdout


def wait_for(sock, target, text, present, timeout_ms):
    start = time.monotonic()
    while (time.monotonic() - start) * 1000 < timeout_ms:
        if (text in screen(sock, target)) == present:
            return (time.monotonic() - start) * 1000
    return None


def main():
    sock, target, key, text, close, n = sys.argv[1:7]
    timeout_ms = int(sys.argv[7]) if len(sys.argv) > 7 else 2000
    samples = []
    for i in range(int(n)):
        t0 = time.monotonic()
        subprocess.run(["tmux", "-S", sock, "send-keys", "-t", target, key], check=True)
        ms = wait_for(sock, target, text, True, timeout_ms)
        if ms is None:
            print(f"sample {i}: no answer within {timeout_ms} ms")
            return 1
        ms = (time.monotonic() - t0) * 1000
        samples.append(ms)
        print(f"sample {i}: {ms:.1f} ms")
        subprocess.run(["tmux", "-S", sock, "send-keys", "-t", target, close], check=True)
        if wait_for(sock, target, text, False, timeout_ms) is None:
            print(f"sample {i}: {close} did not close it within {timeout_ms} ms")
            return 1
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    print(f"latency_ms samples={len(samples)} median={statistics.median(samples):.1f} "
          f"p95={p95:.1f} max={samples[-1]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
