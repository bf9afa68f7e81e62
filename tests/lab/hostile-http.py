#!/usr/bin/python3
"""hostile-http.py - a web device that misbehaves in every way at once.

Each misbehaviour has its own port, so a test can point a client at one:

  8001 hang       reads the request, never answers
  8002 trickle    a 200 with Content-Length 100000, then one byte a second
  8003 huge       a 200 with a 100 MB JSON-looking body, sent as fast as it goes
  8004 redirect   302 to http://203.0.113.7/ (outside the local network; the
                  lab has no route there, and a client must not even try)
  8005 tls        HTTPS with a self-signed certificate, a valid JSON answer
  8006 malformed  200, application/json, a truncated object
  8007 deep       200, application/json, 100000 nested arrays
  8008 headers    200 with one 64 KiB header line
  8009 escapes    200, JSON whose strings carry terminal escapes and bidi

Every connection is logged to --log as a JSON line {"port", "peer",
"request"} (the request line only), so a test can count what a client sent.
Runs inside a lab device namespace only. Standard library only.

    hostile-http.py --bind 198.18.0.40 --log FILE --certdir DIR
"""

import argparse
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time

PORTS = {8001: "hang", 8002: "trickle", 8003: "huge", 8004: "redirect", 8005: "tls",
         8006: "malformed", 8007: "deep", 8008: "headers", 8009: "escapes"}
GOOD = b'{"id":"hostile-1","mac":"02AA00000001","model":"SNSW-001X16EU","gen":2,' \
       b'"fw_id":"20241011-114455/1.4.4-g6d2a586","ver":"1.4.4","app":"PlusPlugS",' \
       b'"auth_en":false,"auth_domain":null}'
log_lock = threading.Lock()


def log(path, port, peer, request):
    with log_lock, open(path, "a") as f:
        f.write(json.dumps({"port": port, "peer": peer, "request": request}) + "\n")


def read_request(conn):
    data = b""
    conn.settimeout(10)
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n", 1)[0].decode("latin-1")


def head(status, ctype, length=None, extra=b""):
    h = b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype + b"\r\nConnection: close\r\n"
    if length is not None:
        h += b"Content-Length: " + str(length).encode() + b"\r\n"
    return h + extra + b"\r\n"


def serve_one(kind, conn):
    if kind == "hang":
        time.sleep(3600)
    elif kind == "trickle":
        conn.sendall(head(b"200 OK", b"application/json", 100000))
        for _ in range(100000):
            conn.sendall(b" ")
            time.sleep(1)
    elif kind == "huge":
        total = 100 * 1024 * 1024
        conn.sendall(head(b"200 OK", b"application/json", total))
        chunk = b"[" + b"0," * 32767 + b"0"
        sent = 0
        while sent < total:
            n = min(len(chunk), total - sent)
            conn.sendall(chunk[:n])
            sent += n
    elif kind == "redirect":
        conn.sendall(head(b"302 Found", b"text/html", 0,
                          b"Location: http://203.0.113.7/rpc/Shelly.GetDeviceInfo\r\n"))
    elif kind in ("tls", "escapes"):
        body = GOOD if kind == "tls" else json.dumps({
            "id": "\x1b]0;owned\x07hostile", "model": "\x1b[2J\u202eevil", "gen": 2,
            "ver": "1.0\x1b[31m", "app": "Plug\x9b", "mac": "02AA00000001",
            "auth_en": False}).encode()
        conn.sendall(head(b"200 OK", b"application/json", len(body)) + body)
    elif kind == "malformed":
        body = GOOD[:60]
        conn.sendall(head(b"200 OK", b"application/json", len(body)) + body)
    elif kind == "deep":
        body = b"[" * 100000
        conn.sendall(head(b"200 OK", b"application/json", len(body)) + body)
    elif kind == "headers":
        conn.sendall(head(b"200 OK", b"application/json", len(GOOD),
                          b"X-Filler: " + b"A" * 65536 + b"\r\n") + GOOD)


def handle(kind, port, conn, peer, logpath):
    try:
        request = read_request(conn)
        log(logpath, port, peer[0], request)
        serve_one(kind, conn)
    except (OSError, ssl.SSLError):
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def listen(addr, port, kind, logpath, tls_ctx):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    while True:
        conn, peer = s.accept()
        if tls_ctx is not None:
            try:
                conn.settimeout(10)
                conn = tls_ctx.wrap_socket(conn, server_side=True)
            except (OSError, ssl.SSLError):
                conn.close()
                continue
        threading.Thread(target=handle, args=(kind, port, conn, peer, logpath),
                         daemon=True).start()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bind", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--certdir", required=True)
    args = ap.parse_args()
    cert, key = os.path.join(args.certdir, "cert.pem"), os.path.join(args.certdir, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=hostile-web.local", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    for port, kind in PORTS.items():
        threading.Thread(target=listen, daemon=True,
                         args=(args.bind, port, kind, args.log,
                               ctx if kind == "tls" else None)).start()
    print("hostile-http: up", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
