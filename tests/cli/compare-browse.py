#!/usr/bin/python3
# Compares `iotsetup scan --json` with `avahi-browse -arpt` run in the same
# lab: every resolved avahi-browse line must appear in the JSON as the same
# host, service (name, type, port), address (family, interface) and TXT.
# Prints TAP lines; exits 1 if anything differs.
import json
import re
import sys
import unicodedata


def unescape(s):
    """Undo avahi-browse -p escaping: \\DDD is a decimal byte, \\X is X."""
    out = bytearray()
    i = 0
    raw = s.encode("utf-8", "surrogateescape")
    while i < len(raw):
        c = raw[i]
        if c == 0x5C and i + 3 < len(raw) + 0 and raw[i + 1:i + 4].isdigit():
            out.append(int(raw[i + 1:i + 4]))
            i += 4
        elif c == 0x5C and i + 1 < len(raw):
            out.append(raw[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return bytes(out)


def parse_txt(field):
    """avahi_string_list_to_string: "a=1" "b" ... with backslash escapes."""
    items = []
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', field):
        items.append(unescape(m.group(1)))
    return items


def sanitize_expect(b):
    """What iotsetup must show for raw bytes: C0 controls as control
    pictures, DEL as U+2421, invalid UTF-8, C1 and bidi controls as U+FFFD."""
    s = b.decode("utf-8", "replace")
    out = []
    for ch in s:
        o = ord(ch)
        if o < 0x20:
            out.append(chr(0x2400 + o))
        elif o == 0x7F:
            out.append("\u2421")
        elif 0x80 <= o < 0xA0 or o in (0x61C, 0x200E, 0x200F, 0x2028, 0x2029, 0xFEFF) \
                or 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069 \
                or 0xFFF9 <= o <= 0xFFFB or 0xE0000 <= o <= 0xE007F:
            out.append("\uFFFD")
        else:
            out.append(ch)
    return "".join(out)


def norm(v):
    """Invalid UTF-8 may become one U+FFFD per byte or per sequence: both
    are safe, so compare with runs collapsed."""
    return re.sub("\uFFFD+", "\uFFFD", v) if isinstance(v, str) else v


def main():
    browse_file, json_file = sys.argv[1], sys.argv[2]
    scan = json.load(open(json_file, encoding="utf-8"))
    devices = scan["devices"]
    by_host = {d["host"].lower(): d for d in devices if d["host"]}
    n = 0
    failures = 0

    def check(ok, what):
        nonlocal n, failures
        n += 1
        print(("ok %d - %s" if ok else "not ok %d - %s") % (n, what))
        if not ok:
            failures += 1

    lines = [l.rstrip("\n") for l in open(browse_file, encoding="utf-8", errors="surrogateescape")
             if l.startswith("=;")]
    check(len(lines) > 0, "avahi-browse resolved at least one service")
    check(scan.get("schema") == "iotsetup.scan/1", "JSON schema is iotsetup.scan/1")
    hosts = set()
    for line in lines:
        parts = line.split(";", 9)
        _, iface, proto, name, stype, domain, host, address, port, txt = parts
        raw_name = unescape(name)
        hosts.add(host.lower())
        want_name = sanitize_expect(raw_name)
        label = "%s %s on %s/%s" % (want_name.encode("unicode_escape").decode(), stype, iface, proto)
        # Avahi hands host names over in escaped domain-name form (\DDD),
        # to avahi-browse and to iotsetup alike: compare them as they are.
        dev = by_host.get(sanitize_expect(host.encode()).lower())
        if dev is None:
            check(False, "%s: host %s in JSON" % (label, host))
            continue
        svc = [s for s in dev["services"] if s["type"] == stype and norm(s["name"]) == norm(want_name)]
        if not svc:
            check(False, "%s: service in JSON (have %s)" % (label, [s["name"] for s in dev["services"]]))
            continue
        s = svc[0]
        fam = "ipv6" if proto == "IPv6" else "ipv4"
        ok = (s["port"] == int(port) and s["state"] == "resolved" and
              any(a["address"] == address and a["family"] == fam and a["interface"] == iface
                  for a in s["addresses"]) and
              any(a["address"] == address and a["interface"] == iface for a in dev["addresses"]))
        check(ok, "%s: port %s, address %s%%%s" % (label, port, address, iface))
        want_txt = {}
        # avahi-browse prints TXT items in reverse wire order; the first
        # occurrence of a key on the wire wins (RFC 6763).
        for item in reversed(parse_txt(txt)):
            k, eq, v = item.partition(b"=")
            key = k.decode("ascii", "replace")
            if not k or any(c < 0x20 or c > 0x7E for c in k) or key.lower() in \
                    (x.lower() for x in want_txt):
                continue
            want_txt[key] = norm(sanitize_expect(v)) if eq else True
        got_txt = {k: norm(v) for k, v in s["txt"].items()}
        check(got_txt == want_txt and list(got_txt) == list(want_txt), "%s: TXT %s" % (label, "equal" if got_txt == want_txt
                                                   else "%r != %r" % (got_txt, want_txt)))
    check(len(by_host) == len(hosts),
          "same number of devices (%d in JSON, %d hosts in avahi-browse)" % (len(by_host), len(hosts)))
    for d in devices:
        fams = {a["family"] for a in d["addresses"]}
        ll = [a for a in d["addresses"] if a["address"].startswith("fe80:")]
        check(fams == {"ipv4", "ipv6"} and all(a["interface"] for a in ll) and ll,
              "%s has IPv4 and link-local IPv6 with interface" % d["id"])
    print("1..%d" % n)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
