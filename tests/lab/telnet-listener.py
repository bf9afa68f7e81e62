#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A telnet login prompt, as an old camera, DVR or router offers one on port
# 23: it negotiates (IAC WILL ECHO, WILL SUPPRESS-GO-AHEAD, DO NAWS) and
# prints a "login:" banner, then reads whatever comes and closes after a few
# seconds. It never accepts a login. Every connection is logged with the
# peer's address, so a test can tell who knocked (e.g. that a check probed
# only the device the user picked). Stdlib only; lab use only.
import argparse
import socket
import sys
import threading

IAC, WILL, DO = 255, 251, 253
ECHO, SGA, NAWS = 1, 3, 31


def serve(conn, peer, log, lock):
    with lock:
        log.write("connect %s\n" % peer[0])
        log.flush()
    try:
        conn.settimeout(5)
        conn.sendall(bytes([IAC, WILL, ECHO, IAC, WILL, SGA, IAC, DO, NAWS]))
        conn.sendall(b"\r\nDVR-4CH login: ")
        while conn.recv(512):
            pass
    except OSError:
        pass
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--address", required=True)
    ap.add_argument("--port", type=int, default=23)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((args.address, args.port))
    srv.listen(16)
    lock = threading.Lock()
    with open(args.log, "a", encoding="ascii") as log:
        print("listening on %s:%d" % (args.address, args.port), file=sys.stderr, flush=True)
        while True:
            conn, peer = srv.accept()
            threading.Thread(target=serve, args=(conn, peer, log, lock), daemon=True).start()


if __name__ == "__main__":
    main()
