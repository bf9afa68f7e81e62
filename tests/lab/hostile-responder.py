#!/usr/bin/python3
"""hostile-responder.py - a rude mDNS responder for the lab's hostile device.

Publishes DNS-SD services whose instance names and TXT records carry bytes
that a terminal program must never print raw: terminal escape sequences,
C1 controls, invalid UTF-8, bidi overrides, NUL, separators, and very long
TXT values. Avahi's own tools cannot publish most of these (service files
are XML, D-Bus strings must be valid UTF-8), so this speaks mDNS on the
wire directly, like a malicious device would. Standard library only.

Runs inside a lab device namespace (never in the root namespace):
    hostile-responder.py --ifname lab0 --ipv4 198.18.0.30 --ipv6 fe80::1 \
        --host hostile-plug
It announces three times, answers every query with all its records, and
sends goodbyes (TTL 0) on SIGTERM/SIGINT. `--describe` prints the payloads.

`--ghost` turns it into a ghost device instead: it announces one service
(PTR, `--instance` of `--type`) and answers PTR and ANY questions with it,
but never sends an SRV, TXT, A or AAAA record. Browsers list the instance;
every resolve times out, like a device that vanished while its PTR (TTL
4500 s) is still in caches.
"""

import argparse
import select
import signal
import socket
import struct
import sys
import time

ESC = b"\x1b"
BEL = b"\x07"

# (instance name bytes, service type, port, [TXT strings as bytes]).
# A DNS label is at most 63 bytes; a TXT string at most 255 bytes.
SERVICES = [
    # C0 controls: CSI "clear screen" and SGR colours in the name; the TXT
    # record collects every TXT hazard in one place.
    (ESC + b"[2J" + ESC + b"[31mPWNED" + ESC + b"[0m Plug", "_http._tcp", 80,
     [b"name=" + ESC + b"[2J" + ESC + b"]0;owned" + BEL + b"Kitchen",
      b"c1=\xc2\x9b31mred", b"raw8bit=\x9b31mred",
      b"bad=\xff\xfe", b"trunc=\xe2\x82",
      "bidi=\u202egnp.exe\u2066x\u2069".encode(),
      b"nl=line1\nline2\rX", b"quote=a\"b;c\\d", b"nul=a\x00b",
      b"long=" + b"A" * 250, b"long2=" + b"B" * 249, b"k" * 200 + b"=v"]),
    # OSC "set window title", terminated by BEL.
    (ESC + b"]0;owned title" + BEL + b"Lamp", "_http._tcp", 8080, [b"path=/"]),
    # C1 controls as valid UTF-8 (U+009B CSI, U+0085 NEL).
    ("C1 \u009b2J and \u0085NEL".encode(), "_http._tcp", 8081, [b"path=/"]),
    # A raw 8-bit C1 byte: invalid UTF-8 on its own.
    (b"Raw C1 \x9b2J", "_http._tcp", 8082, [b"path=/"]),
    # Invalid UTF-8 bytes, and a truncated multibyte sequence at the end.
    (b"Bad\xff\xfeName", "_http._tcp", 8083, [b"path=/"]),
    (b"Truncated \xe2\x82", "_http._tcp", 8084, [b"path=/"]),
    # Bidi overrides: RLO (U+202E) and LRI/PDI (U+2066/U+2069).
    ("Plug \u202egnp.exe \u2066iso\u2069".encode(), "_http._tcp", 8085, [b"path=/"]),
    # NUL inside a label (legal on the wire).
    (b"Nul\x00Byte", "_http._tcp", 8086, [b"path=/"]),
    # Separators that break naive parsers of avahi-browse -p output.
    (b"semi;colon.dot\\back\"quote", "_http._tcp", 8087, [b"path=/"]),
    # A HomeKit accessory imitating the standard one, with a hidden model.
    ("Eve Energy \u202e1A2B".encode(), "_hap._tcp", 5001,
     [b"c#=1", b"ff=0", b"id=AA:BB:CC:DD:EE:66", b"md=Eve" + ESC + b"[8mhidden",
      b"s#=1", b"sf=1", b"ci=7", b"pv=1.1"]),
]

# --extreme: sizes at the limits. Labels of exactly 63 bytes (the most a
# DNS label holds), one of them in CJK (21 three-byte characters) and one
# with an escape sequence, and a TXT record of 300 keys.
EXTREME = [
    (b"Outdoor Camera " + b"X" * 48, "_http._tcp", 8090, [b"path=/"]),
    ("\u76e3\u8996\u30ab\u30e1\u30e9".encode() * 4 + "\u5ead".encode(), "_http._tcp", 8091,
     [b"path=/"]),
    (ESC + b"[41m" + b"R" * 58, "_http._tcp", 8092, [b"path=/"]),
    (b"Many Keys Plug", "_http._tcp", 8093,
     [b"k%03d=%d" % (i, i) for i in range(300)]),
]
assert all(len(inst) == 63 for inst, _, _, _ in EXTREME[:3])

# A service whose SRV target (host name) itself carries an escape sequence.
EVIL_HOST = ESC + b"[5mevil-host"
EVIL_HOST_SERVICE = (b"Evil host name", "_http._tcp", 8088, [b"path=/"])

T_A, T_PTR, T_TXT, T_AAAA, T_SRV = 1, 12, 16, 28, 33
C_IN, FLUSH = 1, 0x8000
MDNS4, MDNS6, PORT = "224.0.0.251", "ff02::fb", 5353


def name(*labels):
    """Wire-format name from raw labels (bytes or str), no compression."""
    out = b""
    for lab in labels:
        lab = lab.encode() if isinstance(lab, str) else lab
        out += bytes([len(lab)]) + lab
    return out + b"\0"


def dotted(s):
    """Wire-format name from a dotted ASCII name like _http._tcp.local."""
    return name(*[p for p in s.split(".") if p])


def rr(owner, rtype, ttl, rdata, unique):
    cls = C_IN | (FLUSH if unique else 0)
    return owner + struct.pack("!HHIH", rtype, cls, ttl, len(rdata)) + rdata


def txt_rdata(strings):
    if not strings:
        return b"\0"
    return b"".join(bytes([len(s)]) + s for s in strings)


def packets(args, family, ttl_scale, services=None):
    """Response packets for one family (4 or 6): one per service, plus one
    with the type enumeration and the address. Like avahi with
    publish-aaaa-on-ipv4=no, each family carries only its own address
    record, so a resolver gets 198.18.0.x over IPv4 and fe80:: over IPv6.
    ttl_scale 0 makes goodbyes."""
    host = dotted(args.host + ".local")
    evil = name(EVIL_HOST, "local")
    if family == 4:
        rdata, rtype = socket.inet_aton(args.ipv4), T_A
    else:
        rdata, rtype = socket.inet_pton(socket.AF_INET6, args.ipv6), T_AAAA
    services = SERVICES if services is None else services
    # Only the hostile set owns the evil host name.
    owners = (host, evil) if services is SERVICES else (host,)
    addrs = [rr(h, rtype, 120 * ttl_scale, rdata, True) for h in owners]
    types = sorted({t for _, t, _, _ in services})
    enum = [rr(dotted("_services._dns-sd._udp.local"), T_PTR, 4500 * ttl_scale,
               dotted(t + ".local"), False) for t in types]
    out = [enum + addrs]
    extra = [(EVIL_HOST_SERVICE, evil)] if services is SERVICES else []
    for (inst, stype, port, txt), target in [(s, host) for s in services] + extra:
        full = bytes([len(inst)]) + inst + dotted(stype + ".local")
        out.append([
            rr(dotted(stype + ".local"), T_PTR, 4500 * ttl_scale, full, False),
            rr(full, T_SRV, 120 * ttl_scale, struct.pack("!HHH", 0, 0, port) + target, True),
            rr(full, T_TXT, 4500 * ttl_scale, txt_rdata(txt), True),
        ] + addrs)
    return [struct.pack("!HHHHHH", 0, 0x8400, 0, len(r), 0, 0) + b"".join(r) for r in out]


def ghost_packets(args, ttl_scale):
    """The ghost's only packet: the type enumeration and the service PTR.
    No SRV, TXT or address records, so a resolve can never succeed. The
    goodbye (ttl_scale 0) covers the service PTR only: the enumeration
    record is shared with the lab's other _http._tcp devices, and a goodbye
    would drop it from the host's cache for them too."""
    stype = dotted(args.type + ".local")
    inst = args.instance.encode()
    rrs = [rr(stype, T_PTR, 4500 * ttl_scale, bytes([len(inst)]) + inst + stype, False)]
    if ttl_scale:
        rrs.insert(0, rr(dotted("_services._dns-sd._udp.local"), T_PTR, 4500, stype, False))
    return [struct.pack("!HHHHHH", 0, 0x8400, 0, len(rrs), 0, 0) + b"".join(rrs)]


def question_types(data):
    """QTYPEs of a query's questions (names may use compression)."""
    qdcount = struct.unpack_from("!H", data, 4)[0]
    off, types = 12, []
    for _ in range(qdcount):
        while True:
            if off >= len(data):
                return types
            n = data[off]
            if n & 0xC0 == 0xC0:
                off += 2
                break
            off += 1 + n
            if n == 0:
                break
        if off + 4 > len(data):
            return types
        types.append(struct.unpack_from("!H", data, off)[0])
        off += 4
    return types


def open_sockets(args):
    ifindex = socket.if_nametoindex(args.ifname)
    s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s4.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, args.ifname.encode())
    s4.bind(("0.0.0.0", PORT))
    s4.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                  socket.inet_aton(MDNS4) + socket.inet_aton(args.ipv4))
    s4.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(args.ipv4))
    s4.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    s4.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s6.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, args.ifname.encode())
    s6.bind(("::", PORT))
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
                  socket.inet_pton(socket.AF_INET6, MDNS6) + struct.pack("@I", ifindex))
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
    return s4, s6, ifindex


def send_all(socks, pkts):
    s4, s6, ifindex = socks
    for p in pkts[4]:
        s4.sendto(p, (MDNS4, PORT))
    for p in pkts[6]:
        s6.sendto(p, (MDNS6, PORT, 0, ifindex))


def serve(args, live, goodbye, answers, label):
    """Announce `live` (dict family -> packets) at 0, 1 and 2 s, send it again
    (rate-limited) for every multicast query from a peer for which
    answers(data) is true, and send `goodbye` on SIGTERM/SIGINT. `label`
    ("" or "ghost ") goes into the "up" and "goodbye sent" lines."""
    socks = open_sockets(args)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    # Announce at 0, 1 and 2 s (RFC 6762 8.3 asks for at least two).
    announce = [time.monotonic() + d for d in (0.0, 1.0, 2.0)]
    last_answer = 0.0
    print(f"hostile-responder: {label}up", flush=True)
    while not stop:
        now = time.monotonic()
        if announce and now >= announce[0]:
            announce.pop(0)
            send_all(socks, live)
        timeout = max(0.0, announce[0] - now) if announce else 1.0
        try:
            ready, _, _ = select.select(socks[:2], [], [], timeout)
        except InterruptedError:
            continue
        for s in ready:
            data, src = s.recvfrom(9000)
            if len(data) >= 12 and not data[2] & 0x80 and src[1] == PORT \
                    and answers(data):
                if time.monotonic() - last_answer > 0.2:
                    last_answer = time.monotonic()
                    send_all(socks, live)
    send_all(socks, goodbye)
    print(f"hostile-responder: {label}goodbye sent", flush=True)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ifname", default="lab0")
    ap.add_argument("--ipv4")
    ap.add_argument("--ipv6")
    ap.add_argument("--host", default="hostile-plug")
    ap.add_argument("--describe", action="store_true",
                    help="print the instance names and TXT strings and exit")
    ap.add_argument("--ghost", action="store_true",
                    help="announce one PTR only (no SRV/TXT/A/AAAA): resolves time out")
    ap.add_argument("--instance", default="Ghost Plug",
                    help="the ghost's instance name (with --ghost)")
    ap.add_argument("--type", default="_http._tcp",
                    help="the ghost's service type (with --ghost)")
    ap.add_argument("--extreme", action="store_true",
                    help="63-byte labels and a 300-key TXT record instead")
    ap.add_argument("--flap", type=int, metavar="MS",
                    help="announce one service (--instance) and withdraw it "
                         "every MS milliseconds, until stopped")
    args = ap.parse_args()
    if args.ghost:
        return ghost_main(args)
    if args.flap:
        return flap_main(args)
    if args.describe:
        print(f"SRV target of port 8088: {EVIL_HOST!r}.local")
        for inst, stype, port, txt in (EXTREME if args.extreme
                                       else SERVICES + [EVIL_HOST_SERVICE]):
            print(f"{stype} {port} name={inst!r}")
            for t in txt:
                print(f"    txt={t!r}")
        return 0
    if args.extreme:
        return serve(args, {f: packets(args, f, 1, EXTREME) for f in (4, 6)},
                     {f: packets(args, f, 0, EXTREME) for f in (4, 6)},
                     lambda data: True, "extreme ")
    return serve(args, {f: packets(args, f, 1) for f in (4, 6)},
                 {f: packets(args, f, 0) for f in (4, 6)},
                 # Any multicast query from a peer gets everything.
                 lambda data: True, "")


def ghost_main(args):
    if args.describe:
        print(f"ghost: PTR {args.type}.local -> {args.instance!r}, no SRV/TXT/A/AAAA")
        return 0
    # Only PTR (12) and ANY (255) questions get the PTR; the resolver's
    # SRV, TXT, A and AAAA questions go unanswered.
    return serve(args, {f: ghost_packets(args, 1) for f in (4, 6)},
                 {f: ghost_packets(args, 0) for f in (4, 6)},
                 lambda data: any(t in (T_PTR, 255) for t in question_types(data)),
                 "ghost ")


def flap_main(args):
    """A service that never settles: announced, then a goodbye MS later,
    then announced again, for as long as it runs."""
    flap = [(args.instance.encode(), args.type, 80, [b"flap=1"])]
    live = {f: packets(args, f, 1, flap) for f in (4, 6)}
    gone = {f: packets(args, f, 0, flap) for f in (4, 6)}
    socks = open_sockets(args)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    print("hostile-responder: flapping up", flush=True)
    n = 0
    while not stop:
        send_all(socks, live if n % 2 == 0 else gone)
        n += 1
        try:
            time.sleep(args.flap / 1000.0)
        except InterruptedError:
            pass
    send_all(socks, gone)
    print(f"hostile-responder: flapped {n // 2} times, goodbye sent", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
