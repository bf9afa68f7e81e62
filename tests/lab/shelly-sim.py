#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A simulated Shelly Gen2+ device (a Plus Plug S) for the lab: the
documented JSON-RPC over HTTP, standard library only.

  POST /rpc  {"id":1,"method":"Shelly.GetDeviceInfo","params":{...}}
             -> {"id":1,"src":"<id>","result":{...}} or {"id":..,"src":..,"error":{"code","message"}}
  GET  /rpc/Method?key=value&...   -> the result object itself (errors as above)
  GET  /shelly                     -> device info, always unauthenticated

Methods: Shelly.GetDeviceInfo (always unauthenticated), Shelly.GetStatus,
Shelly.GetConfig, Sys.GetConfig/SetConfig, WiFi.GetConfig/SetConfig,
Shelly.SetAuth, Shelly.CheckForUpdate, Shelly.Update, Shelly.FactoryReset,
Shelly.Reboot.

Authentication as the devices do it: once Shelly.SetAuth has stored
ha1 = sha256("admin:<id>:<password>"), every call but GetDeviceInfo needs
HTTP Digest (RFC 7616, qop=auth, algorithm=SHA-256, realm = device id); an
unauthenticated call gets 401 with
  WWW-Authenticate: Digest qop="auth", realm="<id>", nonce="<hex>", algorithm=SHA-256
and a JSON-RPC error -401 in the body. SetAuth with ha1 null turns it off.

Reboots (Shelly.Update, Shelly.FactoryReset, Shelly.Reboot): the answer goes
out, then the device withdraws its mDNS services (service files removed,
avahi-daemon SIGHUPed), stops answering HTTP (listening socket closed) for
--reboot-seconds, and comes back: after an update with the new version (in
GetDeviceInfo and in the TXT records), after a factory reset with auth off,
the setup AP on and open, and the configuration back to defaults.

Every request is logged as one JSON line to --log: {"t", "http", "method",
"auth" ("none", "ok", "bad"), "status", "note"}. Passwords and ha1 never go
into the log (SetAuth logs "ha1 set" or "auth disabled").

Tests own the files: --password-file (auth on at start with that password;
read once, never logged), --log, --state-file (the state as JSON, written on
every change: version, auth_en, ap; never the ha1).
"""
import argparse
import hashlib
import http.server
import json
import os
import secrets
import signal
import socket
import socketserver
import sys
import threading
import time
import urllib.parse

DEFAULT_SYS = {
    "device": {"name": None, "eco_mode": False, "discoverable": True, "addon_type": None},
    "location": {"tz": "Europe/London", "lat": None, "lon": None},
    "debug": {"level": 2, "file_level": None, "mqtt": {"enable": False}, "websocket": {"enable": False},
              "udp": {"addr": None}},
    "ui_data": {},
    "rpc_udp": {"dst_addr": None, "listen_port": None},
    "sntp": {"server": "time.google.com"},
}


def default_wifi(ap_ssid):
    return {
        "ap": {"ssid": ap_ssid, "is_open": True, "enable": True, "range_extender": {"enable": False}},
        "sta": {"ssid": None, "is_open": True, "enable": False, "ipv4mode": "dhcp", "ip": None,
                "netmask": None, "gw": None, "nameserver": None},
        "sta1": {"ssid": None, "is_open": True, "enable": False, "ipv4mode": "dhcp", "ip": None,
                 "netmask": None, "gw": None, "nameserver": None},
        "roam": {"rssi_thr": -80, "interval": 60},
    }


def merge(dst, src):
    """Sys/WiFi.SetConfig semantics: a partial object updates what it names."""
    for k, v in src.items():
        if isinstance(v, dict) and isinstance(dst.get(k), dict):
            merge(dst[k], v)
        else:
            dst[k] = v


class RpcError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class Device:
    def __init__(self, a):
        self.a = a
        self.lock = threading.RLock()
        self.id = a.id
        self.mac = a.mac.upper()
        self.ver = a.ver
        self.fw_id = a.fw_id
        self.ha1 = None
        self.nonces = set()
        self.cfg_rev = 0
        self.started = time.monotonic()
        self.reset_config()
        if a.password_file:
            with open(a.password_file, encoding="utf-8") as f:
                pw = f.read().rstrip("\n")
            self.ha1 = hashlib.sha256(f"admin:{self.id}:{pw}".encode()).hexdigest()
            del pw
        self.reboot_request = None  # ("update"|"reset"|"reboot"), taken by the main thread

    def reset_config(self):
        self.sys = json.loads(json.dumps(DEFAULT_SYS))
        self.sys["device"]["mac"] = self.mac
        self.wifi = default_wifi(f"{self.a.app_ssid}-{self.mac}")

    # -- device info -------------------------------------------------------
    def info(self):
        return {"name": self.sys["device"]["name"], "id": self.id, "mac": self.mac, "slot": 0,
                "model": self.a.model, "gen": 2, "fw_id": self.fw_id, "ver": self.ver,
                "app": self.a.app, "auth_en": self.ha1 is not None,
                "auth_domain": self.id if self.ha1 is not None else None}

    def available_updates(self):
        if self.a.update == "available" and self.ver != self.a.new_version:
            return {"stable": {"version": self.a.new_version, "build_id": self.a.new_fw_id}}
        return {}

    def sys_config(self):
        c = json.loads(json.dumps(self.sys))
        c["device"]["fw_id"] = self.fw_id
        c["cfg_rev"] = self.cfg_rev
        return c

    def status(self):
        return {
            "sys": {"mac": self.mac, "restart_required": False, "time": time.strftime("%H:%M"),
                    "unixtime": int(time.time()), "uptime": int(time.monotonic() - self.started),
                    "ram_size": 260000, "ram_free": 140000, "fs_size": 458752, "fs_free": 180000,
                    "cfg_rev": self.cfg_rev, "kvs_rev": 0, "schedule_rev": 0, "webhook_rev": 0,
                    "available_updates": self.available_updates()},
            "wifi": {"sta_ip": None, "status": "disconnected", "ssid": None, "rssi": 0},
            "cloud": {"connected": False},
            "mqtt": {"connected": False},
            "switch:0": {"id": 0, "source": "init", "output": False, "apower": 0.0, "voltage": 231.2,
                         "current": 0.0, "aenergy": {"total": 0.0}, "temperature": {"tC": 30.1, "tF": 86.2}},
        }

    def full_config(self):
        return {
            "ble": {"enable": True, "rpc": {"enable": True}, "observer": {"enable": False}},
            "cloud": {"enable": False, "server": "iot.shelly.cloud:6012/jrpc"},
            "mqtt": {"enable": False, "server": None, "user": None},
            "switch:0": {"id": 0, "name": None, "initial_state": "restore_last", "auto_on": False},
            "sys": self.sys_config(),
            "wifi": json.loads(json.dumps(self.wifi)),
            "ws": {"enable": False, "server": None, "ssl_ca": "ca.pem"},
        }

    def save_state(self):
        if not self.a.state_file:
            return
        state = {"id": self.id, "ver": self.ver, "fw_id": self.fw_id, "auth_en": self.ha1 is not None,
                 "ap": {"enable": self.wifi["ap"]["enable"], "is_open": self.wifi["ap"]["is_open"]},
                 "device_name": self.sys["device"]["name"], "cfg_rev": self.cfg_rev}
        tmp = self.a.state_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(state, f)
        os.replace(tmp, self.a.state_file)

    # -- digest --------------------------------------------------------------
    def new_nonce(self):
        n = "%x" % int(time.time()) + secrets.token_hex(4)
        with self.lock:
            self.nonces.add(n)
        return n

    def check_digest(self, method, header):
        """None: no credentials; True/False: checked."""
        if not header or not header.startswith("Digest "):
            return None
        p = {}
        for part in _split_params(header[7:]):
            k, _, v = part.partition("=")
            p[k.strip().lower()] = v.strip().strip('"')
        need = ("username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce")
        if any(k not in p for k in need):
            return False
        if p.get("algorithm", "MD5").upper() != "SHA-256" or p["qop"] != "auth":
            return False
        with self.lock:
            ha1 = self.ha1
            known = p["nonce"] in self.nonces
        if ha1 is None or not known or p["username"] != "admin" or p["realm"] != self.id:
            return False
        ha2 = hashlib.sha256(f"{method}:{p['uri']}".encode()).hexdigest()
        want = hashlib.sha256(
            f"{ha1}:{p['nonce']}:{p['nc']}:{p['cnonce']}:{p['qop']}:{ha2}".encode()).hexdigest()
        return secrets.compare_digest(want, p["response"])

    # -- methods -------------------------------------------------------------
    def call(self, method, params):
        """Returns (result, note). Raises RpcError."""
        m = method.lower()
        with self.lock:
            if m == "shelly.getdeviceinfo":
                return self.info(), None
            if m == "shelly.getstatus":
                return self.status(), None
            if m == "shelly.getconfig":
                return self.full_config(), None
            if m == "sys.getconfig":
                return self.sys_config(), None
            if m == "sys.getstatus":
                return self.status()["sys"], None
            if m == "sys.setconfig":
                cfg = params.get("config")
                if not isinstance(cfg, dict):
                    raise RpcError(-103, "Invalid argument 'config': required")
                merge(self.sys, cfg)
                self.cfg_rev += 1
                self.save_state()
                return {"restart_required": False}, "sys config set"
            if m == "wifi.getconfig":
                return json.loads(json.dumps(self.wifi)), None
            if m == "wifi.setconfig":
                cfg = params.get("config")
                if not isinstance(cfg, dict):
                    raise RpcError(-103, "Invalid argument 'config': required")
                merge(self.wifi, cfg)
                self.cfg_rev += 1
                self.save_state()
                note = "wifi config set"
                if "ap" in cfg:
                    note += " (ap enable=%s is_open=%s)" % (self.wifi["ap"]["enable"], self.wifi["ap"]["is_open"])
                return {"restart_required": False}, note
            if m == "shelly.setauth":
                if params.get("user", "admin") != "admin":
                    raise RpcError(-103, "Invalid argument 'user': must be admin")
                if params.get("realm") != self.id:
                    raise RpcError(-103, "Invalid argument 'realm': must be the device id")
                ha1 = params.get("ha1", "missing")
                if ha1 is None:
                    self.ha1 = None
                    self.save_state()
                    return None, "auth disabled"
                if not isinstance(ha1, str) or len(ha1) != 64 or any(c not in "0123456789abcdef" for c in ha1):
                    raise RpcError(-103, "Invalid argument 'ha1'")
                self.ha1 = ha1
                self.save_state()
                if self.a.vanish_after_setauth:
                    # Answers this call, then nothing more (tests: a device
                    # that vanishes between setting and verifying).
                    self.vanished = True
                return None, "ha1 set"
            if m == "shelly.checkforupdate":
                if self.a.update == "offline":
                    raise RpcError(-114, "Resource unavailable: no connection to the update server")
                return self.available_updates(), None
            if m == "shelly.update":
                stage = params.get("stage", "stable")
                if stage not in ("stable", "beta"):
                    raise RpcError(-103, "Invalid argument 'stage'")
                if self.a.update == "offline":
                    raise RpcError(-114, "Resource unavailable: no connection to the update server")
                if not self.available_updates():
                    raise RpcError(-114, "No update available")
                self.reboot_request = "update"
                return None, "update to %s" % self.a.new_version
            if m == "shelly.factoryreset":
                self.reboot_request = "reset"
                return None, "factory reset"
            if m == "shelly.reboot":
                self.reboot_request = "reboot"
                return None, "reboot"
        raise RpcError(404, "No handler for %s" % method)


def _split_params(s):
    out, cur, q = [], "", False
    for c in s:
        if c == '"':
            q = not q
        if c == "," and not q:
            out.append(cur)
            cur = ""
        else:
            cur += c
    if cur.strip():
        out.append(cur)
    return out


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ShellyHTTP/1.0"

    def log_message(self, *args):
        pass

    def record(self, method, auth, status, note=None):
        line = {"t": round(time.time(), 3), "http": f"{self.command} {self.path.split('?')[0]}",
                "method": method, "auth": auth, "status": status}
        if note:
            line["note"] = note
        self.server.sim_log(line)

    def send(self, status, obj, extra=None):
        body = json.dumps(obj, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def vanished(self):
        if getattr(self.server.device, "vanished", False):
            self.close_connection = True
            return True
        return False

    def do_GET(self):
        if self.vanished():
            return
        u = urllib.parse.urlsplit(self.path)
        if u.path == "/shelly":
            dev = self.server.device
            self.record("/shelly", "none", 200)
            return self.send(200, dev.info())
        if u.path.startswith("/rpc/"):
            params = {}
            for k, v in urllib.parse.parse_qsl(u.query, keep_blank_values=True):
                try:
                    params[k] = json.loads(v)
                except ValueError:
                    params[k] = v
            return self.rpc(u.path[5:], params, None, wrap=False)
        self.record(None, "none", 404)
        self.send(404, {"code": 404, "message": "Not Found"})

    def do_POST(self):
        if self.vanished():
            return
        u = urllib.parse.urlsplit(self.path)
        try:
            n = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            n = -1
        if u.path != "/rpc" or n < 0 or n > 65536:
            self.record(None, "none", 400)
            return self.send(400, {"code": -103, "message": "Bad request"})
        raw = self.rfile.read(n)
        try:
            req = json.loads(raw or b"null")
            if not isinstance(req, dict) or not isinstance(req.get("method"), str):
                raise ValueError
        except ValueError:
            # Clients that authenticate with Digest probe with an empty body
            # first; with auth on the device challenges before parsing.
            dev = self.server.device
            if dev.ha1 is not None and not dev.check_digest(self.command, self.headers.get("Authorization")):
                return self.challenge(None, "none", None, True)
            self.record(None, "none", 400)
            return self.send(400, {"id": None, "src": self.server.device.id,
                                   "error": {"code": -32700, "message": "Parse error"}})
        params = req.get("params") or {}
        if not isinstance(params, dict):
            params = {}
        self.rpc(req["method"], params, req.get("id"), wrap=True)

    def challenge(self, method, auth, rid, wrap):
        dev = self.server.device
        self.record(method, auth, 401)
        nonce = dev.new_nonce()
        chal = 'Digest qop="auth", realm="%s", nonce="%s", algorithm=SHA-256' % (dev.id, nonce)
        err = {"code": 401, "message": json.dumps({"auth_type": "digest", "nonce": nonce, "realm": dev.id,
                                                   "algorithm": "SHA-256"})}
        self.send(401, {"id": rid, "src": dev.id, "error": err} if wrap else err, {"WWW-Authenticate": chal})

    def rpc(self, method, params, rid, wrap):
        dev = self.server.device
        auth = "none"
        if method.lower() != "shelly.getdeviceinfo" and dev.ha1 is not None:
            ok = dev.check_digest(self.command, self.headers.get("Authorization"))
            if not ok:
                return self.challenge(method, "none" if ok is None else "bad", rid, wrap)
            auth = "ok"
        elif self.headers.get("Authorization"):
            auth = "ignored"
        try:
            result, note = dev.call(method, params)
        except RpcError as e:
            self.record(method, auth, 200 if wrap else 500, "error %d" % e.code)
            err = {"code": e.code, "message": e.message}
            return self.send(200, {"id": rid, "src": dev.id, "error": err}) if wrap else self.send(500, err)
        self.record(method, auth, 200, note)
        self.send(200, {"id": rid, "src": dev.id, "result": result} if wrap else result)
        if dev.reboot_request:
            self.server.reboot_event.set()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def server_bind(self):
        # Not HTTPServer's: its getfqdn() would send a reverse DNS query.
        socketserver.TCPServer.server_bind(self)
        self.server_name = "shelly"
        self.server_port = self.server_address[1]


def write_services(a, dev, present):
    """The avahi-daemon service files of the device, kept in step with its
    state; SIGHUP makes the daemon announce or withdraw them."""
    if not a.mdns_dir:
        return
    txt = [f"gen=2", f"app={a.app}", f"ver={dev.ver}", f"fw_id={dev.fw_id}"]
    changed = False
    for kind, stype in (("http", "_http._tcp"), ("shelly", "_shelly._tcp")):
        path = os.path.join(a.mdns_dir, kind + ".service")
        if not present:
            if os.path.exists(path):
                os.unlink(path)
                changed = True
            continue
        recs = "".join(f"    <txt-record>{t}</txt-record>\n" for t in txt)
        xml = ('<?xml version="1.0" standalone="no"?>\n'
               '<!DOCTYPE service-group SYSTEM "avahi-service.dtd">\n'
               f"<service-group>\n  <name>{a.hostname}</name>\n  <service>\n"
               f"    <type>{stype}</type>\n    <port>{a.port}</port>\n{recs}"
               "  </service>\n</service-group>\n")
        try:
            with open(path, encoding="utf-8") as f:
                if f.read() == xml:
                    continue
        except OSError:
            pass
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(xml)
        os.replace(path + ".tmp", path)
        changed = True
    # Only on a change: a SIGHUP that reaches avahi-daemon before it has
    # set up its handlers would end it.
    if changed and a.avahi_pidfile:
        try:
            with open(a.avahi_pidfile, encoding="ascii") as f:
                os.kill(int(f.read().strip()), signal.SIGHUP)
        except (OSError, ValueError) as e:
            print("shelly-sim: cannot reload avahi-daemon: %s" % e, file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--listen", default="0.0.0.0")
    ap.add_argument("--port", type=int, default=80)
    ap.add_argument("--port-file", help="write the port here once listening (with --port 0)")
    ap.add_argument("--id", default="shellyplusplugs-d4d4da7c1e2f")
    ap.add_argument("--mac", default="D4D4DA7C1E2F")
    ap.add_argument("--model", default="SNPL-00112EU")
    ap.add_argument("--app", default="PlusPlugS")
    ap.add_argument("--app-ssid", default="ShellyPlusPlugS")
    ap.add_argument("--ver", default="1.4.4")
    ap.add_argument("--fw-id", default="20241011-114455/1.4.4-g6d2a586")
    ap.add_argument("--password-file", help="auth on at start, with the password in this file")
    ap.add_argument("--update", choices=("available", "none", "offline"), default="available")
    ap.add_argument("--new-version", default="1.5.0")
    ap.add_argument("--new-fw-id", default="20250120-082430/1.5.0-gc52b3a4")
    ap.add_argument("--reboot-seconds", type=float, default=3.0)
    ap.add_argument("--vanish-after-setauth", action="store_true",
                    help="answer Shelly.SetAuth, then close every connection unanswered")
    ap.add_argument("--log", help="JSON lines, one per request")
    ap.add_argument("--state-file")
    ap.add_argument("--mdns-dir", help="the avahi-daemon services directory to keep in step")
    ap.add_argument("--avahi-pidfile")
    ap.add_argument("--hostname", default="shellyplusplugs-d4d4da7c1e2f")
    a = ap.parse_args()

    dev = Device(a)
    log_lock = threading.Lock()
    logf = open(a.log, "a", encoding="utf-8", buffering=1) if a.log else None

    def sim_log(line):
        if logf:
            with log_lock:
                logf.write(json.dumps(line) + "\n")

    reboot_event = threading.Event()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    def serve():
        fam = socket.AF_INET6 if ":" in a.listen else socket.AF_INET
        Server.address_family = fam
        srv = Server((a.listen, a.port), Handler)
        srv.device = dev
        srv.sim_log = sim_log
        srv.reboot_event = reboot_event
        t = threading.Thread(target=srv.serve_forever, daemon=True)
        t.start()
        return srv

    srv = serve()
    if a.port == 0:
        a.port = srv.server_address[1]
    if a.port_file:
        with open(a.port_file + ".tmp", "w", encoding="ascii") as f:
            f.write(str(a.port))
        os.replace(a.port_file + ".tmp", a.port_file)
    dev.save_state()
    write_services(a, dev, True)
    sim_log({"t": round(time.time(), 3), "event": "up", "ver": dev.ver, "auth_en": dev.ha1 is not None})

    while not stop.is_set():
        if not reboot_event.wait(0.1):
            continue
        reboot_event.clear()
        time.sleep(0.3)  # the answer is out; then the device goes down
        with dev.lock:
            kind, dev.reboot_request = dev.reboot_request, None
        srv.shutdown()
        srv.server_close()
        write_services(a, dev, False)
        sim_log({"t": round(time.time(), 3), "event": "down", "why": kind})
        if stop.wait(a.reboot_seconds):
            break
        with dev.lock:
            if kind == "update":
                dev.ver, dev.fw_id = a.new_version, a.new_fw_id
            elif kind == "reset":
                dev.ha1 = None
                dev.reset_config()
                dev.cfg_rev = 0
            dev.nonces.clear()
            dev.started = time.monotonic()
            dev.save_state()
        srv = serve()
        write_services(a, dev, True)
        sim_log({"t": round(time.time(), 3), "event": "up", "ver": dev.ver, "auth_en": dev.ha1 is not None})
    try:
        srv.shutdown()
        srv.server_close()
    except OSError:
        pass


if __name__ == "__main__":
    main()
