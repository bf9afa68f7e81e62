#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""seeds.py - writes the seed corpora of the fuzz targets (tests/fuzz/corpus/).

The seeds are what real devices announce (the lab's Shelly, HomeKit, Matter,
ESPHome, camera and IPP printer records), what the hostile responder sends,
and configuration files from the shipped one to broken ones, encoded in the
input format each target documents at its top. Run it after changing a
format or to add seeds; files it did not write (crash and regression inputs
saved by fuzz.sh) are left alone.

    tests/fuzz/seeds.py [CORPUS-DIR]
"""

import os
import struct
import sys

ESC = b"\x1b"
BEL = b"\x07"

# --- TXT records (fuzz-txt.c: width byte, limit byte, RDATA) ------------------


def rdata(*items):
    out = b""
    for it in items:
        it = it.encode() if isinstance(it, str) else it
        assert len(it) <= 255
        out += bytes([len(it)]) + it
    return out


SHELLY = rdata("gen=2", "app=PlusPlugS", "ver=1.4.4", "fw_id=20241011-114455/1.4.4-g6d2a586")
HOMEKIT = rdata("c#=1", "ff=0", "id=AA:BB:CC:DD:EE:01", "md=Eve Energy", "s#=1", "sf=1", "ci=7",
                "pv=1.1", "sh=ZmRHxw==")
MATTER = rdata("D=3840", "VP=65521+32769", "CM=1", "DT=266", "DN=Smart Plug", "SII=5000",
               "SAI=300", "PH=33", "PI=")
ESPHOME = rdata("version=2024.6.1", "mac=a0b1c2d3e40c", "platform=ESP32", "board=esp32dev",
                "network=wifi", "friendly_name=ESPHome Küche",
                "api_encryption_supported=Noise_NNpsk0_25519_ChaChaPoly_SHA256")
PRINTER = rdata("txtvers=1", "qtotal=1", "rp=ipp/print", "ty=HP OfficeJet Pro 9010",
                "adminurl=https://HP9C7BEF3F19A2.local:8631/", "note=Study",
                "pdl=application/pdf,image/jpeg,image/pwg-raster,image/urf",
                "UUID=4d2b1c8e-7a3f-4c1e-9b2d-9c7bef3f19a2", "Color=T", "Duplex=T",
                "TLS=1.3", "URF=V1.4,W8,CP1,DM3,IS1-4,MT1-3-4-5-8,OB10,PQ4-5,RS300-600,SRGB24",
                "mopria-certified=2.0", "kind=document,envelope,photo", "PaperMax=legal-A4")
CAMERA = rdata("path=/axis-media/media.amp")
HOSTILE = rdata(b"name=" + ESC + b"[2J" + ESC + b"]0;owned" + BEL + b"Kitchen",
                b"c1=\xc2\x9b31mred", b"raw8bit=\x9b31mred", b"bad=\xff\xfe", b"trunc=\xe2\x82",
                "bidi=\u202egnp.exe\u2066x\u2069".encode(), b"nl=line1\nline2\rX",
                b"quote=a\"b;c\\d", b"nul=a\x00b", b"long=" + b"A" * 250, b"k" * 200 + b"=v")
UNICODE = rdata("DN=スマートプラグ（リビングルームの照明とエアコン用の長い名前）",
                "fn=Wohnzimmerdeckenleuchtenschalterfernbedienungsempfänger",
                "md=Lampe\u0301 e\u0300 combining", "emoji=\U0001F4A1\U0001F50C plug",
                "zw=a\u200bb\u200dc\u2060d", "tag=\U000E0001\U000E0041hidden",
                "sep=para\u2029graph\u2028line", "bom=\ufeffx", "arabic=\u061c\u0627\u0644",
                "hangul=\u1100\u1161\u11a8", "wide=ＷＩＤＥ　ｓｐａｃｅ")
ENCODINGS = rdata(b"overlong=\xc0\xaf\xe0\x80\xaf", b"surrogate=\xed\xa0\x80\xed\xbf\xbf",
                  b"beyond=\xf4\x90\x80\x80\xf8\x88\x80\x80\x80", b"lone=\x80\xbf",
                  b"cut4=\xf0\x9f\x92", b"del=\x7f", b"nulkey\x00=x", b"latin1=caf\xe9")
KEYS = rdata("=novalue", "", "Dup=1", "dup=2", "DUP=3", "key with space=ok", "key\x01=ctl",
             "bool", "empty=", "a=b=c", "~=tilde", "\x7f=del")
MANY = rdata(*["k%03d=%d" % (i, i) for i in range(140)])
LONGEST = rdata("x=" + "y" * 253, "z" * 255, "w" * 254 + "=")
TRUNCATED = rdata("ok=1") + b"\xff" + b"cut short"

TXT = {
    "shelly": SHELLY, "homekit": HOMEKIT, "matter": MATTER, "esphome": ESPHOME,
    "printer": PRINTER, "camera": CAMERA, "hostile": HOSTILE, "unicode": UNICODE,
    "encodings": ENCODINGS, "keys": KEYS, "many-items": MANY, "longest-items": LONGEST,
    "truncated-rdata": TRUNCATED, "empty": b"",
}


def txt_seeds():
    seeds = {}
    for i, (name, rd) in enumerate(sorted(TXT.items())):
        # Widths from a one-cell column to a wide terminal; limits 0 (1024),
        # the 8-byte minimum, 64 and 128 (as display names use).
        width = [1, 2, 7, 20, 38, 78, 99][i % 7]
        limit = [0, 3, 4, 6, 7][i % 5]
        seeds[name] = bytes([width - 1, limit]) + rd
    seeds["narrow-small-limit"] = bytes([0, 3]) + UNICODE
    seeds["wide-tiny-limit"] = bytes([1, 1]) + HOSTILE
    return seeds


# --- configuration (fuzz-config.c: the text) ----------------------------------

CONFIG = {
    "minimal": b"ui: { color = false; };\n",
    "all-settings": b"""discovery:
{
  service_types = [ "_http._tcp", "_ipp._tcp", "_home-assistant._tcp" ];
  browse_all_types = true;
  scan_timeout = 12.5;
  resolve_timeout = 3;
  remember_devices = false;
};
ui: { color = true; show_ipv6 = false; };
""",
    "list-and-int64": b'discovery = { service_types = ( "_hap._tcp", "_a._udp" ); '
                      b"scan_timeout = 600L; resolve_timeout = 0x10; };\n",
    "comments": b"# hash\n// slashes\n/* block\n comment */ ui : { color = false ; } ;\n",
    "empty": b"",
    "unknown-key": b"discovery: {\n  scan_timout = 3;\n};\n",
    "unknown-group": b"network: { ssid = \"Home\"; };\n",
    "wrong-types": b'discovery: { browse_all_types = "yes"; scan_timeout = true; };\n',
    "group-not-group": b"ui = 1;\n",
    "out-of-range": b"discovery: { scan_timeout = 1e308; resolve_timeout = -0.0; };\n",
    "too-small": b"discovery: { resolve_timeout = 0.05; };\n",
    "bad-service-types": b'discovery: { service_types = [ "http", "_x._sctp", 5 ]; };\n',
    "escaped-service-type": b'discovery: { service_types = [ "_ok._tcp",\n'
                            b'  "\\x1b[2J\\x1b]0;title\\x07_evil._tcp" ]; };\n',
    "binary-service-type": b'discovery: { service_types = [ "\xff\xfe\xc2\x9b\x00x" ]; };\n',
    "long-service-type": b'discovery: { service_types = [ "_' + b"a" * 3000 + b'._tcp" ]; };\n',
    "mixed-array": b'discovery: { service_types = [ "_a._tcp", 1 ]; };\n',
    "nested-list": b'discovery: { service_types = ( ( "_a._tcp" ) ); };\n',
    "duplicate": b"ui: { color = true; color = false; };\n",
    "unterminated": b'discovery: { service_types = [ "_a._tcp',
    "syntax": b"ui: { color = ; };\n",
    "deep-nesting": b"x = " + b"(" * 500 + b")" * 500 + b";\n",
    "second-error-line": b"ui:\n{\n  color = true;\n  show_ipv6 = 7;\n};\n",
}


def config_seeds():
    seeds = dict(CONFIG)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "data", "iotsetup.conf"), "rb") as f:
        seeds["shipped"] = f.read()
    return seeds


# --- QR text (fuzz-qr.c: space, quiet+scale, cols, rows, text) ----------------


def qr(space, quiet, scale, cols, rows, text):
    text = text.encode() if isinstance(text, str) else text
    return bytes([space, quiet | (scale - 1) << 4, cols, rows]) + text


QR = {
    "admin-url": qr(0, 4, 1, 80, 24, "https://198.18.0.15:8631/"),
    "admin-url-fits": qr(41, 4, 2, 100, 40, "http://198.18.0.10/a%20b%22%3Cx%3E%23frag"),
    "wifi": qr(0, 4, 1, 80, 24, "WIFI:T:WPA;S:Home \\;Net;P:correct horse battery staple;;"),
    "japanese": qr(0, 2, 3, 200, 60, "プリンターの管理ページ"),
    "too-big": qr(21, 4, 1, 40, 15, "https://[2001:db8::1234:5678]:8443/admin/index.html?x=1"),
    "no-quiet": qr(0, 0, 4, 0, 0, "x"),
    "max-input": qr(0, 4, 1, 255, 99, "a" * 2048),
    "over-limit": qr(0, 4, 1, 80, 24, "a" * 2049),
    "not-utf8": qr(0, 4, 1, 80, 24, b"caf\xe9"),
    "nul": qr(0, 4, 1, 80, 24, b"a\x00b"),
    "empty": qr(0, 4, 1, 80, 24, b""),
    "binary-ish": qr(177, 8, 1, 255, 99, "\u0000\u0001\u007f\u0080\uffff\U0010ffff".encode(
        "utf-8", "surrogatepass")[1:]),
    "digits": qr(0, 4, 1, 80, 24, "0123456789" * 30),
}

# --- discovery events (fuzz-common.c: fuzz_feed_registry) --------------------

TYPES = ["_http._tcp", "_https._tcp", "_ipp._tcp", "_ipps._tcp", "_shelly._tcp", "_hap._tcp",
         "_matterc._udp", "_matter._tcp", "_esphomelib._tcp", "_printer._tcp", "_rtsp._tcp",
         "_mqtt._tcp", "_googlecast._tcp", "_ssh._tcp", "_airplay._tcp"]


def cstr(s):
    s = s.encode() if isinstance(s, str) else s
    assert len(s) <= 255
    return bytes([len(s)]) + s


def key(stype, slot, name=None, v6=False, wlan=False, domain=None):
    """The key byte, then the type (if not a known one), name slot, domain."""
    t = TYPES.index(stype) if stype in TYPES else 15
    b = (1 if wlan else 0) | (2 if v6 else 0) | t << 2 | (0x40 if domain is not None else 0)
    out = bytes([b])
    if t == 15:
        out += cstr(stype)
    out += bytes([0x80 | slot]) + cstr(name) if name is not None else bytes([slot])
    if domain is not None:
        out += cstr(domain)
    return out


def addr(text):
    import ipaddress
    return ipaddress.ip_address(text).packed


def found(k):
    return b"\x00" + k


def resolved(k, host_slot, address, port, txt=b"", host=None):
    hs = bytes([0x80 | host_slot]) + cstr(host) if host is not None else bytes([host_slot])
    return b"\x01" + k + hs + addr(address) + struct.pack(">HH", port, len(txt)) + txt


def failed(k, reason="the device did not answer the resolve request"):
    return b"\x03" + k + cstr(reason)


def removed(k):
    return b"\x04" + k


STALE, SWEEP = b"\x05", b"\x06"


def announce(stype, slot, name, host_slot, host, address, port, txt=b"", v6=False):
    k = key(stype, slot, name, v6=v6)
    return found(k) + resolved(key(stype, slot, v6=v6), host_slot, address, port, txt, host)


def printer(adminurl, extra=b""):
    items = [b"rp=ipp/print", b"ty=HP OfficeJet Pro 9010"]
    if adminurl is not None:
        items.append(b"adminurl=" + adminurl)
    txt = rdata(*items)
    k = lambda t, v6=False: key(t, 2, v6=v6)
    return (announce("_ipp._tcp", 2, "HP OfficeJet Pro 9010 [3F19A2]", 2, "HP9C7BEF3F19A2.local",
                     "198.18.0.15", 8631, txt)
            + found(k("_ipps._tcp")) + resolved(k("_ipps._tcp"), 2, "198.18.0.15", 8631, txt)
            + found(k("_ipp._tcp", True))
            + resolved(k("_ipp._tcp", True), 2, "fe80::9e7b:efff:fe3f:19a2", 8631, txt)
            + found(k("_http._tcp")) + resolved(k("_http._tcp"), 2, "198.18.0.15", 8080)
            + extra)


LAB = (announce("_http._tcp", 0, "shellyplusplugs-d4d4da7c1e2f", 0,
                "shellyplusplugs-d4d4da7c1e2f.local", "198.18.0.11", 80, SHELLY)
       + found(key("_shelly._tcp", 0)) + resolved(key("_shelly._tcp", 0), 0, "198.18.0.11", 80,
                                                   SHELLY)
       + found(key("_http._tcp", 0, v6=True))
       + resolved(key("_http._tcp", 0, v6=True), 0, "fe80::d6d4:daff:fe7c:1e2f", 80, SHELLY)
       + announce("_hap._tcp", 1, "Eve Energy 1A0C", 1, "Eve-Energy-1A0C.local", "198.18.0.12",
                  5001, HOMEKIT)
       + announce("_matterc._udp", 3, "8F3A1C2B7D9E400D", 3, "3C61054E8A0D.local", "198.18.0.13",
                  5540, MATTER)
       + announce("_esphomelib._tcp", 3, "esphome-0e", 3, "esphome-0e.local", "198.18.0.14",
                  6053, ESPHOME)
       + announce("_rtsp._tcp", 3, "AXIS M1065-LW - ACCC8E7A3F10", 3, "axis-accc8e7a3f10.local",
                  "198.18.0.16", 554, CAMERA)
       + announce("_http._tcp", 3, "AXIS M1065-LW - ACCC8E7A3F10", 3, "axis-accc8e7a3f10.local",
                  "198.18.0.16", 80, rdata("path=/"))
       + printer(b"https://HP9C7BEF3F19A2.local:8631/")
       + found(key("_http._tcp", 3, "ghost-plug")) + failed(key("_http._tcp", 3)))

HOSTILE_DEVICE = (
    announce("_http._tcp", 0, ESC + b"[2J" + ESC + b"[31mPWNED" + ESC + b"[0m Plug", 0,
             b"hostile-plug.local", "198.18.0.30", 80, HOSTILE)
    + announce("_http._tcp", 1, ESC + b"]0;owned title" + BEL + b"Lamp", 0, None, "198.18.0.30",
               8080, rdata(b"path=/" + ESC + b"[2J"))
    + announce("_http._tcp", 2, "Plug \u202egnp.exe \u2066iso\u2069", 0, None, "198.18.0.30",
               8085, rdata(b"path=//evil.example/\\x"))
    + announce("_http._tcp", 3, b"Bad\xff\xfeName", 1, b"bad\xff.local", "198.18.0.31", 8083,
               rdata(b"path=/%zz%4%41\x00\x7f\xc3\xa4"))
    + announce("_hap._tcp", 3, b"Truncated \xe2\x82", 1, None, "198.18.0.31", 1,
               rdata(b"md=" + b"M" * 252, b"DN=x")))

DAEMON_RESTART = (LAB + STALE + found(key("_http._tcp", 0)) + found(key("_hap._tcp", 1))
                  + SWEEP + removed(key("_hap._tcp", 1)) + removed(key("_http._tcp", 0)))

MOVES = (announce("_http._tcp", 0, "plug", 0, "plug-a.local", "198.18.0.40", 80)
         + resolved(key("_http._tcp", 0), 1, "198.18.0.41", 80, b"", "plug-b.local")
         + resolved(key("_http._tcp", 0), 1, "198.18.0.41", 81, rdata("path=/again"),
                    "PLUG-B.local")
         + failed(key("_http._tcp", 0), "gone")
         + found(key("_http._tcp", 1, "other")) + failed(key("_http._tcp", 1))
         + resolved(key("_http._tcp", 1), 2, "198.18.0.42", 80, b"", "name:other")
         + removed(key("_http._tcp", 0)) + removed(key("_http._tcp", 1)))

ODD_KEYS = (found(key("_x-custom._tcp", 0, "custom", domain="example.org"))
            + resolved(key("_x-custom._tcp", 0, domain="example.org"), 0, "10.0.0.1", 0)
            + found(key(b"\x1b[31m_bad\x1f._tcp", 1, "sep\x1fname"))
            + failed(key(b"\x1b[31m_bad\x1f._tcp", 1), b"\xff reason \x1b")
            + found(key("_http._tcp", 2, "", wlan=True, domain=""))
            + resolved(key("_http._tcp", 2, wlan=True, domain=""), 3, "0.0.0.0", 65535, b"", ""))

GHOSTS = b"".join(found(key(t, i % 4, "ghost %d" % i)) + failed(key(t, i % 4))
                  for i, t in enumerate(TYPES[:8]))

REGISTRY = {
    "lab-network": LAB,
    "hostile-device": HOSTILE_DEVICE,
    "daemon-restart": DAEMON_RESTART,
    "moves-and-failures": MOVES,
    "odd-keys": ODD_KEYS,
    "ghosts": GHOSTS,
}

# Admin addresses a printer may announce: its own name or address, and
# every way a record could try to send a phone elsewhere.
ADMINURLS = {
    "own-name": b"https://HP9C7BEF3F19A2.local:8631/",
    "own-name-dot": b"https://hp9c7bef3f19a2.local.:8631/admin",
    "own-ipv4": b"http://198.18.0.15/hp/device/info",
    "own-ipv6": b"http://[fe80::9e7b:efff:fe3f:19a2]:8631/",
    "query-fragment": b"HTTPS://HP9C7BEF3F19A2.local/admin?x=1&y=%2F#frag",
    "userinfo": b"http://user:secret@HP9C7BEF3F19A2.local/",
    "other-host": b"https://evil.example/",
    "suffix-host": b"https://HP9C7BEF3F19A2.local.evil.example/",
    "other-ip": b"http://198.18.0.99/",
    "javascript": b"javascript:alert(1)",
    "ftp": b"ftp://HP9C7BEF3F19A2.local/",
    "path-tricks": b"http://HP9C7BEF3F19A2.local//evil.example/%2e%2e/%5C@x",
    "percent-host": b"http://%48P9C7BEF3F19A2.local/",
    "zone-id": b"http://[fe80::9e7b:efff:fe3f:19a2%25lab0]/",
    "big-port": b"http://HP9C7BEF3F19A2.local:99999/",
    "empty": b"",
    "none": None,
}


def url_seeds():
    seeds = {"adminurl-" + k: printer(v) for k, v in ADMINURLS.items()}
    seeds["ipv6-only"] = announce("_http._tcp", 0, "v6 plug", 0, "v6plug.local", "2001:db8::5",
                                  80, rdata("path=/setup"), v6=True)
    seeds["ula-and-link-local"] = (
        announce("_https._tcp", 0, "ula", 0, "ula.local", "fe80::1", 443, v6=True)
        + resolved(key("_https._tcp", 0, v6=True, wlan=True), 0, "fd12:3456:789a::1", 8443,
                   rdata("path=/x y")))
    seeds["http-path"] = announce("_http._tcp", 0, "plug", 0, "plug.local", "192.168.1.20", 8080,
                                  rdata(b"path=/a b\"<x>#frag?q=\xc3\xbc"))
    seeds["https-and-http"] = (
        announce("_http._tcp", 0, "dev", 0, "dev.local", "198.18.0.10", 80, rdata("path=/plain"))
        + announce("_https._tcp", 0, "dev", 0, None, "198.18.0.10", 8443, rdata("path=/secure")))
    seeds["no-port"] = announce("_http._tcp", 0, "dev", 0, "dev.local", "198.18.0.10", 0)
    seeds.update(REGISTRY)
    return seeds


def json_seeds():
    return {k: b"\x01" + v for k, v in REGISTRY.items()} | {
        "incomplete-printer": b"\x00" + printer(b"https://HP9C7BEF3F19A2.local:8631/"),
        "empty": b"\x01",
    }


def shelly_seeds():
    """A status byte (0: 200, 1: 401, 2: 500, 3: 302), then a body as the
    simulated Shelly (tests/lab/shelly-sim.py) and real devices send it."""
    info = (b'{"id":1,"src":"shellyplusplugs-d4d4da7c1e2f","result":{"name":null,'
            b'"id":"shellyplusplugs-d4d4da7c1e2f","mac":"D4D4DA7C1E2F","slot":0,'
            b'"model":"SNPL-00112EU","gen":2,"fw_id":"20241011-114455/1.4.4-g6d2a586",'
            b'"ver":"1.4.4","app":"PlusPlugS","auth_en":false,"auth_domain":null}}')
    return {
        "device-info": b"\x00" + info,
        "device-info-escapes": b"\x00" + info.replace(b'"PlusPlugS"', b'"Plug\\u001b[2J\\u202e"'),
        "update-available": b'\x00{"id":1,"src":"x","result":{"stable":{"version":"1.5.0",'
                            b'"build_id":"20250120-082430/1.5.0-gc52b3a4"}}}',
        "update-none": b'\x00{"id":1,"src":"x","result":{}}',
        "update-offline": b'\x00{"id":1,"src":"x","error":{"code":-114,"message":"Resource unavailable"}}',
        "null-result": b'\x00{"id":1,"src":"x","result":null}',
        "unauthorized": b'\x01{"id":1,"src":"x","error":{"code":401,"message":"{\\"auth_type\\": \\"digest\\"}"}}',
        "server-error": b'\x02{"code":500}',
        "deep": b"\x00" + b"[" * 40 + b"]" * 40,
        "deep-in-string": b'\x00{"id":1,"result":"' + b"[" * 40 + b'"}',
        "truncated": b'\x00{"id":1,"result":{"ver":',
        "not-json": b"\x00<html>Not Found</html>",
    }


def homebridge_seeds():
    """A status byte (0: 200, 1: 201, 2: 400, 3: 401, 4: 403, 5: 404, 6: 500,
    7: 302), then a body. The real answers of config-ui-x 4.42.0 and 4.76.0
    are recorded by capture-homebridge.sh (lab-*); these are what they are
    not."""
    token = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VybmFtZSI6ImFkbWluIn0." + b"A" * 43
    return {
        "settings-top-level": b'\x00{"setupWizardComplete":false,"formAuth":true}',
        "settings-both": b'\x00{"setupWizardComplete":true,"env":{"setupWizardComplete":false}}',
        "settings-not-boolean": b'\x00{"env":{"setupWizardComplete":"false"}}',
        "settings-env-array": b'\x00{"env":[{"setupWizardComplete":false}]}',
        "login-token-escapes": b'\x01{"access_token":"a\\u001b[2J\\u0000b\\"c\\\\d\\ud800"}',
        "login-token-empty": b'\x01{"access_token":""}',
        "login-token-number": b'\x01{"access_token":12345678901234567890}',
        "login-token-oversized": b'\x01{"access_token":"' + b"T" * 1024 + b'"}',
        "login-token-at-bound": b'\x01{"access_token":"' + b"T" * 1023 + b'"}',
        "login-twice": b'\x01{"access_token":"' + token + b'","access_token":"second"}',
        "login-200": b'\x00{"access_token":"' + token + b'","token_type":"Bearer"}',
        "login-400": b'\x02{"statusCode":400,"message":["password must be a string"]}',
        "version-update": b'\x00{"name":"homebridge","installedVersion":"1.11.4",'
                          b'"latestVersion":"1.12.0","updateAvailable":true}',
        "version-current": b'\x00{"name":"homebridge","installedVersion":"1.11.4",'
                           b'"latestVersion":"1.11.4","updateAvailable":false}',
        "version-escapes": b'\x00{"name":"\\u001b]0;owned\\u0007hb","installedVersion":"1.11\\u202e.4",'
                           b'"latestVersion":"9\\r\\n9","updateAvailable":true}',
        "version-long": b'\x00{"installedVersion":"' + b"1." * 200 + b'0"}',
        "version-types": b'\x00{"installedVersion":1.11,"latestVersion":null,"updateAvailable":"yes"}',
        "deep": b"\x00" + b'{"installedVersion":"1","x":' + b"[" * 200,
        "truncated": b'\x00{"installedVersion":"1.11.4"',
        "not-json": b"\x00<html>Not Found</html>",
        "redirect": b"\x07",
        "server-error": b'\x06{"statusCode":500,"message":"Internal server error"}',
    }


def profile_seeds():
    """A 2-byte length and a profile (its id "fuzz": the shipped ones, then
    ones with every kind of rule), a Wi-Fi name, then discovery events (the
    lab's network and its hostile devices)."""
    here = os.path.dirname(os.path.abspath(__file__))
    pdir = os.path.join(here, "..", "..", "data", "profiles")
    import re
    homebridge = announce("_hap._tcp", 2, "Homebridge 1E", 2, "homebridge-1e.local", "198.18.0.68",
                          51826, rdata("c#=2", "ff=0", "id=0E:4B:00:00:00:1E", "md=homebridge",
                                       "s#=1", "sf=1", "ci=2", "pv=1.1", "sh=AbCdEg=="))
    events = LAB + homebridge

    def seed(profile, ssid, ev):
        p = profile.encode() if isinstance(profile, str) else profile
        return struct.pack(">H", len(p)) + p + cstr(ssid) + ev

    seeds = {}
    for name in sorted(os.listdir(pdir)):
        if not name.endswith(".conf"):
            continue
        text = open(os.path.join(pdir, name), encoding="utf-8").read()
        text = re.sub(r'^id = "[^"]*";', 'id = "fuzz";', text, count=1, flags=re.M)
        seeds["shipped-" + name[:-5]] = seed(text, "ShellyPlusPlugS-D4D4DA7C1E2F", events)
    base = open(os.path.join(pdir, "shelly-gen2.conf"), encoding="utf-8").read()
    base = re.sub(r'^id = "[^"]*";', 'id = "fuzz";', base, count=1, flags=re.M)

    def with_match(match):
        return re.sub(r"^match = \{.*?^\};", lambda _: match, base, count=1, flags=re.M | re.S)

    seeds["rules-txt-range"] = seed(with_match(
        'match = {\n  services = [ "_matterc._udp" ];\n'
        '  txt = ( { key = "VP"; range = [ 65521, 65521 ]; }, { key = "DT"; value = "26*"; } );\n};'),
        "", events)
    seeds["rules-more-specific"] = seed(with_match(
        'match = {\n  services = [ "_shelly._tcp", "_HTTP._tcp" ];\n'
        '  names = [ "shellyplus*", "*" ];\n'
        '  txt = ( { key = "gen"; value = "2"; }, { key = "app"; }, { key = "ver"; value = "1.*" } );\n'
        '  ssids = [ "Shelly*-*" ];\n};'), "shellyplusplugs-d4d4da7c1e2f", events)
    seeds["rules-catch-all"] = seed(with_match("match = { generic = true; };"), "x", events)
    seeds["rules-generic-http"] = seed(with_match(
        'match = { generic = true; services = [ "_http._tcp" ]; };'), "", HOSTILE_DEVICE)
    seeds["rules-names-only"] = seed(with_match(
        'match = { names = [ "*Plug*", "\\u001b*" ]; };'), "", HOSTILE_DEVICE)
    seeds["no-profile-lab"] = seed(b"", "Homebridge-1E", events)
    seeds["no-profile-hostile"] = seed(b"", b"\x1b[2JShelly\xff", HOSTILE_DEVICE + ODD_KEYS)
    seeds["bad-profile"] = seed('id = "fuzz";\nmatch = { txt = ( { key = 3; } ); };', "", LAB)
    seeds["wrong-id"] = seed(base.replace('id = "fuzz";', 'id = "other";'), "", LAB)
    return seeds


def write(corpus, target, seeds):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
    write(corpus, "txt", txt_seeds())
    write(corpus, "config", config_seeds())
    write(corpus, "qr", QR)
    write(corpus, "device-url", url_seeds())
    write(corpus, "scan-json", json_seeds())
    write(corpus, "shelly", shelly_seeds())
    write(corpus, "homebridge", homebridge_seeds())
    write(corpus, "profile", profile_seeds())


if __name__ == "__main__":
    main()
