/* SPDX-License-Identifier: GPL-3.0-or-later
 * What the fuzz targets share. The registry language below is how hostile
 * network data reaches the core in the program: discovery turns Avahi's
 * browse and resolve events into iot_registry_record_*() calls with strings
 * a device chose (instance name, host name, TXT), numeric addresses and
 * ports. The oracles check the promises of DESIGN.md §5 on everything that
 * comes back: printable, valid, bounded text, and admin addresses that can
 * only lead to the device itself.
 */
#include "config.h"

#include "fuzz-common.h"

#include "app/core/iot-device-url.h"
#include "app/core/iot-sanitize.h"
#include "app/core/iot-width.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
fuzz_init (void)
{
  static gboolean done;
  if (done)
    return;
  done = TRUE;
  /* A critical (g_return_if_fail) or warning means the core was misused
   * or confused: that is a finding, not noise. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

void
fuzz_fail (const char *what, const char *detail)
{
  fprintf (stderr, "FUZZ ORACLE FAILED: %s", what);
  if (detail != NULL)
    {
      /* Escaped, so the report itself is safe to print. */
      g_autofree char *escaped = g_strescape (detail, NULL);
      fprintf (stderr, ": \"%s\"", escaped);
    }
  fputc ('\n', stderr);
  abort ();
}

void
fuzz_input_init (FuzzInput *in, const guint8 *data, gsize len)
{
  in->data = data;
  in->len = len;
  in->pos = 0;
}

gboolean
fuzz_input_done (const FuzzInput *in)
{
  return in->pos >= in->len;
}

guint8
fuzz_take_u8 (FuzzInput *in)
{
  return in->pos < in->len ? in->data[in->pos++] : 0;
}

guint16
fuzz_take_u16 (FuzzInput *in)
{
  guint16 hi = fuzz_take_u8 (in);
  return (guint16)(hi << 8 | fuzz_take_u8 (in));
}

/* Returns: up to @want bytes (fewer at the end of the input; *@got says). */
const guint8 *
fuzz_take_bytes (FuzzInput *in, gsize want, gsize *got)
{
  const guint8 *p = in->data + in->pos;
  *got = MIN (want, in->len - in->pos);
  in->pos += *got;
  return p;
}

/* A length byte, then that many bytes, as a C string: Avahi hands over
 * names as C strings, so an embedded NUL ends one. */
char *
fuzz_take_cstring (FuzzInput *in)
{
  gsize got;
  const guint8 *p = fuzz_take_bytes (in, fuzz_take_u8 (in), &got);
  return g_strndup ((const char *)p, got);
}

/* TXT RDATA as on the wire (RFC 6763 §6.1): a length byte, then the item;
 * a length running past the end gives a truncated last item. */
IotTxt *
fuzz_txt_from_rdata (const guint8 *rdata, gsize len, guint *n_items)
{
  IotTxt *txt = iot_txt_new ();
  guint n = 0;
  for (gsize pos = 0; pos < len; n++)
    {
      gsize item = MIN ((gsize)rdata[pos], len - pos - 1);
      iot_txt_add_item (txt, rdata + pos + 1, item);
      pos += 1 + item;
    }
  if (n_items)
    *n_items = n;
  return txt;
}

/* --- the registry language ------------------------------------------------ */

/* The types discovery browses by default, and ones the core treats
 * specially (device kinds, admin addresses). */
static const char *const types[] = {
  "_http._tcp", "_https._tcp",   "_ipp._tcp",        "_ipps._tcp",       "_shelly._tcp",
  "_hap._tcp",  "_matterc._udp", "_matter._tcp",     "_esphomelib._tcp", "_printer._tcp",
  "_rtsp._tcp", "_mqtt._tcp",    "_googlecast._tcp", "_ssh._tcp",        "_airplay._tcp",
};

/* Four slots of names and of hosts, so events can name the same record or
 * device again: a byte with the top bit set brings a new string into slot
 * (byte & 3), any other byte reuses that slot. */
typedef struct
{
  char *names[4];
  char *hosts[4];
} Slots;

static const char *
take_slot (FuzzInput *in, char **slots)
{
  guint8 b = fuzz_take_u8 (in);
  char **slot = &slots[b & 3];
  if (b & 0x80)
    {
      g_free (*slot);
      *slot = fuzz_take_cstring (in);
    }
  return *slot;
}

/* The record key discovery would report: a key byte chooses interface,
 * protocol and service type (15 known ones or, for 15, one from the input),
 * then the instance name, and with bit 6 a domain other than "local". */
typedef struct
{
  IotRecordKey key;
  char *own_type, *own_domain;
} Key;

static void
take_key (FuzzInput *in, Slots *slots, Key *k)
{
  guint8 b = fuzz_take_u8 (in);
  guint t = (b >> 2) & 15;
  memset (k, 0, sizeof *k);
  k->key.ifindex = 2 + (b & 1);
  k->key.ifname = (b & 1) ? "wlan0" : "lab0";
  k->key.protocol = (b & 2) ? IOT_FAMILY_IPV6 : IOT_FAMILY_IPV4;
  if (t < G_N_ELEMENTS (types))
    k->key.type = types[t];
  else
    k->key.type = k->own_type = fuzz_take_cstring (in);
  k->key.name = take_slot (in, slots->names);
  if (b & 0x40)
    k->key.domain = k->own_domain = fuzz_take_cstring (in);
  else
    k->key.domain = "local";
}

static void
key_clear (Key *k)
{
  g_free (k->own_type);
  g_free (k->own_domain);
}

/* A numeric address of the key's family, as avahi_address_snprint() (that
 * is, inet_ntop) writes it. */
static void
take_address (FuzzInput *in, const Key *k, IotAddress *a)
{
  guint8 raw[16] = { 0 };
  gsize n = k->key.protocol == IOT_FAMILY_IPV6 ? 16 : 4, got;
  const guint8 *bytes = fuzz_take_bytes (in, n, &got);
  memcpy (raw, bytes, got);
  g_autoptr (GInetAddress) ia
      = g_inet_address_new_from_bytes (raw, n == 16 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4);
  g_autofree char *text = g_inet_address_to_string (ia);
  memset (a, 0, sizeof *a);
  a->family = k->key.protocol;
  a->ifindex = k->key.ifindex;
  g_strlcpy (a->address, text, sizeof a->address);
  g_strlcpy (a->ifname, k->key.ifname, sizeof a->ifname);
}

/* A listener that reads the device it is told about, as a UI announcing
 * "device X appeared / left" would. */
static void
read_device_cb (IotRegistry *reg, IotRegistryEvent event, IotDevice *device, gpointer data)
{
  g_autofree char *name = iot_device_dup_display_name (device);
  fuzz_check_display_text (name, IOT_SANITIZE_MAX_BYTES, "display name in a listener");
  (void)iot_device_get_kind (device, NULL);
  (void)iot_device_is_reachable (device);
}

/**
 * fuzz_feed_registry:
 *
 * Runs the events in @in against @reg until the input ends. One event is
 * an opcode byte, then its operands:
 *   0      found     KEY
 *   1,2,7  resolved  KEY HOST ADDRESS(4 or 16 bytes) PORT(2) TXTLEN(2) TXT-RDATA
 *   3      failed    KEY REASON
 *   4      removed   KEY
 *   5      the daemon went away (mark stale)
 *   6      the daemon came back (sweep stale)
 */
void
fuzz_feed_registry (IotRegistry *reg, FuzzInput *in)
{
  Slots slots = { { g_strdup ("dev0"), g_strdup ("Dev 1"), g_strdup ("printer"), g_strdup ("") },
                  { g_strdup ("dev0.local"), g_strdup ("Dev-1.local"), g_strdup ("printer.local"),
                    g_strdup ("") } };
  guint listener = iot_registry_add_listener (reg, read_device_cb, NULL);
  while (!fuzz_input_done (in))
    {
      guint8 op = fuzz_take_u8 (in) & 7;
      Key k;
      if (op != 5 && op != 6)
        take_key (in, &slots, &k);
      switch (op)
        {
        case 0:
          iot_registry_record_found (reg, &k.key);
          break;
        case 1:
        case 2:
        case 7:
          {
            const char *host = take_slot (in, slots.hosts);
            IotAddress a;
            take_address (in, &k, &a);
            guint16 port = fuzz_take_u16 (in);
            gsize len;
            const guint8 *rdata = fuzz_take_bytes (in, fuzz_take_u16 (in) % 2048, &len);
            iot_registry_record_resolved (reg, &k.key, host, &a, port,
                                          fuzz_txt_from_rdata (rdata, len, NULL));
            break;
          }
        case 3:
          {
            g_autofree char *reason = fuzz_take_cstring (in);
            iot_registry_record_failed (reg, &k.key, reason);
            break;
          }
        case 4:
          iot_registry_record_removed (reg, &k.key);
          break;
        case 5:
          iot_registry_mark_stale (reg);
          break;
        case 6:
          iot_registry_sweep_stale (reg);
          break;
        }
      if (op != 5 && op != 6)
        key_clear (&k);
    }
  iot_registry_remove_listener (reg, listener);
  for (guint i = 0; i < 4; i++)
    {
      g_free (slots.names[i]);
      g_free (slots.hosts[i]);
    }
}

/* --- oracles ----------------------------------------------------------------- */

static gboolean
is_forbidden_char (gunichar c)
{
  return c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0x061C || c == 0x200E || c == 0x200F
         || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028
         || c == 0x2029 || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB)
         || (c >= 0xE0000 && c <= 0xE007F) || !g_unichar_validate (c);
}

/* @text is safe to put on a screen or in a report: valid UTF-8, no control,
 * escape or bidi character, at most @max_bytes long, and a fixed point of
 * the sanitizer (sanitizing it again changes nothing). */
void
fuzz_check_display_text (const char *text, gsize max_bytes, const char *what)
{
  if (text == NULL)
    fuzz_fail (what, "NULL");
  if (!g_utf8_validate (text, -1, NULL))
    fuzz_fail (what, text);
  if (strlen (text) > max_bytes)
    fuzz_fail (what, text);
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (is_forbidden_char (g_utf8_get_char (p)))
      fuzz_fail (what, text);
  if (!iot_sanitize_is_clean (text))
    fuzz_fail (what, text);
}

static char *
without_spaces (const char *s)
{
  GString *out = g_string_new (NULL);
  for (; *s; s++)
    if (*s != ' ')
      g_string_append_c (out, *s);
  return g_string_free (out, FALSE);
}

/* Wrapping, truncating and padding sanitized @text to @width cells: lines
 * fit (a single character wider than the line may stand alone), no text is
 * lost except the spaces a line break takes, and a padded field is exactly
 * @width wide. */
void
fuzz_check_wrap (const char *text, int width)
{
  g_autoptr (GPtrArray) lines = iot_width_wrap (text, width);
  g_autoptr (GString) joined = g_string_new (NULL);
  if (lines->len == 0)
    fuzz_fail ("wrap gave no line", text);
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = lines->pdata[i];
      if (!g_utf8_validate (line, -1, NULL))
        fuzz_fail ("wrap cut a character", text);
      if (iot_width (line) > MAX (width, 1) && g_utf8_strlen (line, -1) > 1)
        fuzz_fail ("wrapped line wider than the width", line);
      if (*line == '\0' && *text != '\0')
        fuzz_fail ("wrap made an empty line", text);
      g_string_append (joined, line);
    }
  g_autofree char *a = without_spaces (text);
  g_autofree char *b = without_spaces (joined->str);
  if (strcmp (a, b) != 0)
    fuzz_fail ("wrapping lost or added text", text);

  g_autofree char *cut = iot_width_truncate (text, width);
  if (width > 0 && iot_width (cut) > width)
    fuzz_fail ("truncated text wider than the width", cut);
  if (width > 0 && iot_width (text) <= width && strcmp (cut, text) != 0)
    fuzz_fail ("truncate changed text that fits", text);
  g_autofree char *padded = iot_width_pad (text, width);
  if (width > 0 && iot_width (padded) != width)
    fuzz_fail ("padded text is not exactly the width", padded);
}

static gboolean
is_url_byte (guchar c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("-._~!$&'()*+,;=:@/?%[]", c) != NULL);
}

/* The device's settings page address, if any: plain ASCII with valid
 * percent escapes, http or https, bounded, and on a numeric address of this
 * device that a phone can reach (never a link-local IPv6 one) — also as a
 * strict URL parser reads it, so no trick in the path can move the host. */
static void
check_admin_url (const IotDevice *d, const char *url)
{
  if (strlen (url) > IOT_DEVICE_URL_MAX)
    fuzz_fail ("admin URL too long", url);
  for (const char *p = url; *p; p++)
    if (!is_url_byte ((guchar)*p)
        || (*p == '%' && !(g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))))
      fuzz_fail ("admin URL has a byte that must be escaped", url);
  const char *rest = g_str_has_prefix (url, "http://")    ? url + 7
                     : g_str_has_prefix (url, "https://") ? url + 8
                                                          : NULL;
  if (rest == NULL)
    fuzz_fail ("admin URL is not http or https", url);
  const char *slash = strchr (rest, '/');
  if (slash == NULL)
    fuzz_fail ("admin URL has no path", url);
  g_autofree char *authority = g_strndup (rest, slash - rest);
  g_autofree char *host = NULL;
  if (authority[0] == '[')
    {
      const char *close = strchr (authority, ']');
      if (close == NULL || (close[1] != '\0' && close[1] != ':'))
        fuzz_fail ("admin URL has a malformed IPv6 host", url);
      host = g_strndup (authority + 1, close - authority - 1);
    }
  else
    {
      const char *colon = strchr (authority, ':');
      host = colon ? g_strndup (authority, colon - authority) : g_strdup (authority);
    }

  g_autoptr (GInetAddress) ia = g_inet_address_new_from_string (host);
  if (ia == NULL)
    fuzz_fail ("admin URL host is not a numeric address", url);
  if (g_inet_address_get_is_link_local (ia)
      && g_inet_address_get_family (ia) == G_SOCKET_FAMILY_IPV6)
    fuzz_fail ("admin URL host is a link-local IPv6 address", url);
  gboolean own = FALSE;
  g_autoptr (GPtrArray) addrs = iot_device_dup_addresses (d);
  for (guint i = 0; i < addrs->len && !own; i++)
    own = strcmp (((IotAddress *)addrs->pdata[i])->address, host) == 0;
  if (!own)
    fuzz_fail ("admin URL host is not one of the device's addresses", url);

  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, &error);
  if (uri == NULL)
    fuzz_fail ("admin URL does not parse", url);
  if (g_strcmp0 (g_uri_get_host (uri), host) != 0)
    fuzz_fail ("a URL parser reads another host in the admin URL", url);
}

/* Everything the UI, the CLI and reports read from a device. */
void
fuzz_check_device (const IotDevice *d)
{
  g_autofree char *name = iot_device_dup_display_name (d);
  fuzz_check_display_text (name, IOT_SANITIZE_MAX_BYTES, "display name");
  g_autofree char *host = iot_device_dup_host (d);
  fuzz_check_display_text (host, IOT_SANITIZE_MAX_BYTES, "host name");
  const char *label = NULL;
  if (iot_device_get_kind (d, &label) == NULL || label == NULL)
    fuzz_fail ("device without a kind", d->id);
  g_autoptr (GPtrArray) addrs = iot_device_dup_addresses (d);
  for (guint i = 0; i < addrs->len; i++)
    {
      g_autofree char *a = iot_address_to_string (addrs->pdata[i]);
      if (!g_utf8_validate (a, -1, NULL))
        fuzz_fail ("address", a);
    }
  g_autofree char *url = iot_device_dup_admin_url (d);
  if (url != NULL)
    check_admin_url (d, url);
}
