/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for app/core/iot-device-url.[ch]: the admin page address built
 * for a device's QR code, from services and TXT records fed to a registry as
 * discovery would, hostile ones included.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/iot-device-url.h"
#include "app/core/iot-registry.h"
#include "app/core/iot-txt.h"

#include <string.h>

/* Resolves one service of @host on @address:@port with TXT @items (NULL-
 * terminated, as raw strings). */
static void
announce (IotRegistry *reg, const char *host, const char *address, const char *type,
          guint16 port, const char *const *items)
{
  IotFamily family = strchr (address, ':') ? IOT_FAMILY_IPV6 : IOT_FAMILY_IPV4;
  IotRecordKey k = { 2, "lab0", family, host, type, "local" };
  IotAddress a = { .family = family, .ifindex = 2 };
  g_strlcpy (a.address, address, sizeof a.address);
  g_strlcpy (a.ifname, "lab0", sizeof a.ifname);
  IotTxt *txt = iot_txt_new ();
  for (guint i = 0; items && items[i]; i++)
    iot_txt_add_item (txt, (const guint8 *) items[i], strlen (items[i]));
  iot_registry_record_found (reg, &k);
  g_autofree char *full = g_strconcat (host, ".local", NULL);
  iot_registry_record_resolved (reg, &k, full, &a, port, txt);
}

/* The admin URL of the one device in @reg. */
static char *
url_of (IotRegistry *reg)
{
  g_autoptr (GPtrArray) devices = iot_registry_dup_devices (reg);
  g_assert_cmpuint (devices->len, ==, 1);
  return iot_device_dup_admin_url (devices->pdata[0]);
}

#define ITEMS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
expect (const char *type, guint16 port, const char *const *items, const char *want)
{
  IotRegistry *reg = iot_registry_new ();
  announce (reg, "dev", "198.18.0.10", type, port, items);
  g_autofree char *got = url_of (reg);
  if (g_strcmp0 (got, want) != 0)
    g_error ("%s port %u: got %s, expected %s", type, port, got ? got : "NULL",
             want ? want : "NULL");
  iot_registry_free (reg);
}

static void
test_http (void)
{
  expect ("_http._tcp", 80, NULL, "http://198.18.0.10/");
  expect ("_http._tcp", 8080, NULL, "http://198.18.0.10:8080/");
  expect ("_https._tcp", 443, NULL, "https://198.18.0.10/");
  expect ("_https._tcp", 8443, NULL, "https://198.18.0.10:8443/");
  expect ("_http._tcp", 443, NULL, "http://198.18.0.10:443/");
  expect ("_http._tcp", 80, ITEMS ("path=/"), "http://198.18.0.10/");
  expect ("_http._tcp", 80, ITEMS ("path=/admin/index.html"),
          "http://198.18.0.10/admin/index.html");
  expect ("_http._tcp", 80, ITEMS ("path=setup"), "http://198.18.0.10/setup");
  expect ("_http._tcp", 80, ITEMS ("path=/a?b=c&d=%2F"), "http://198.18.0.10/a?b=c&d=%2F");
  expect ("_http._tcp", 80, ITEMS ("PATH=/upper-case-key"), "http://198.18.0.10/upper-case-key");
  /* Not a web service, or no port: no page. */
  expect ("_hap._tcp", 80, NULL, NULL);
  expect ("_http._tcp", 0, NULL, NULL);
}

static void
test_hostile_path (void)
{
  /* Spaces, quotes, '#', backslash, escapes, non-ASCII and stray '%' are
   * escaped; nothing can change the host. */
  expect ("_http._tcp", 80, ITEMS ("path=/a b\"<x>#frag"),
          "http://198.18.0.10/a%20b%22%3Cx%3E%23frag");
  expect ("_http._tcp", 80, ITEMS ("path=/\x1b[2J\x07"), "http://198.18.0.10/%1B%5B2J%07");
  expect ("_http._tcp", 80, ITEMS ("path=/Küche"), "http://198.18.0.10/K%C3%BCche");
  expect ("_http._tcp", 80, ITEMS ("path=/\\evil.example"), "http://198.18.0.10/%5Cevil.example");
  expect ("_http._tcp", 80, ITEMS ("path=@evil.example/"), "http://198.18.0.10/@evil.example/");
  expect ("_http._tcp", 80, ITEMS ("path=//evil.example/"), "http://198.18.0.10//evil.example/");
  expect ("_http._tcp", 80, ITEMS ("path=/100%"), "http://198.18.0.10/100%25");
  expect ("_http._tcp", 80, ITEMS ("path=/%zz%4"), "http://198.18.0.10/%25zz%254");

  /* A NUL inside a TXT value (length-prefixed on the wire). */
  IotRegistry *reg = iot_registry_new ();
  IotRecordKey k = { 2, "lab0", IOT_FAMILY_IPV4, "nul", "_http._tcp", "local" };
  IotAddress a = { .family = IOT_FAMILY_IPV4, .ifindex = 2 };
  g_strlcpy (a.address, "198.18.0.10", sizeof a.address);
  IotTxt *txt = iot_txt_new ();
  iot_txt_add_item (txt, (const guint8 *) "path=/a\0b", 9);
  iot_registry_record_found (reg, &k);
  iot_registry_record_resolved (reg, &k, "nul.local", &a, 80, txt);
  g_autofree char *url = url_of (reg);
  g_assert_cmpstr (url, ==, "http://198.18.0.10/a%00b");
  iot_registry_free (reg);
}

static void
test_https_first (void)
{
  IotRegistry *reg = iot_registry_new ();
  announce (reg, "dev", "198.18.0.10", "_http._tcp", 80, ITEMS ("path=/plain"));
  announce (reg, "dev", "198.18.0.10", "_https._tcp", 8443, ITEMS ("path=/secure"));
  g_autofree char *url = url_of (reg);
  g_assert_cmpstr (url, ==, "https://198.18.0.10:8443/secure");
  iot_registry_free (reg);
}

static void
test_addresses (void)
{
  /* IPv4 wins over IPv6; a routable IPv6 address goes in brackets; a
   * link-local one is no use to a phone. */
  IotRegistry *reg = iot_registry_new ();
  announce (reg, "dev", "2001:db8::5", "_http._tcp", 80, NULL);
  g_autofree char *v6 = url_of (reg);
  g_assert_cmpstr (v6, ==, "http://[2001:db8::5]/");
  announce (reg, "dev", "198.18.0.10", "_http._tcp", 80, NULL);
  g_autofree char *v4 = url_of (reg);
  g_assert_cmpstr (v4, ==, "http://198.18.0.10/");
  iot_registry_free (reg);

  /* Link-local is all of fe80::/10 (found by tests/fuzz/fuzz-device-url,
   * regression input crash-4a3b5e6e…: fe90::); fec0:: is not link-local. */
  static const struct
  {
    const char *address, *want;
  } link_local[] = {
    { "fe80::1", NULL },
    { "fe90:0:c9::4300:0", NULL },
    { "FEBF::1", NULL },
    { "fec0::1", "http://[fec0::1]/" },
    { "fd12:3456:789a::1", "http://[fd12:3456:789a::1]/" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (link_local); i++)
    {
      reg = iot_registry_new ();
      announce (reg, "ll", link_local[i].address, "_http._tcp", 80, NULL);
      g_autofree char *got = url_of (reg);
      if (g_strcmp0 (got, link_local[i].want) != 0)
        g_error ("%s: got %s, expected %s", link_local[i].address, got ? got : "NULL",
                 link_local[i].want ? link_local[i].want : "NULL");
      iot_registry_free (reg);
    }
}

/* A printer like the lab's ippeveprinter: _ipp, _ipps and _http services. */
static char *
printer_url (const char *adminurl)
{
  IotRegistry *reg = iot_registry_new ();
  g_autofree char *item = adminurl ? g_strconcat ("adminurl=", adminurl, NULL) : NULL;
  const char *const items[] = { "rp=ipp/print", item, NULL };
  announce (reg, "HP9C7BEF3F19A2", "198.18.0.15", "_ipp._tcp", 8631, items);
  announce (reg, "HP9C7BEF3F19A2", "198.18.0.15", "_ipps._tcp", 8631, items);
  announce (reg, "HP9C7BEF3F19A2", "fe80::9e7b:efff:fe3f:19a2", "_ipp._tcp", 8631, items);
  announce (reg, "HP9C7BEF3F19A2", "198.18.0.15", "_http._tcp", 8080, NULL);
  char *url = url_of (reg);
  iot_registry_free (reg);
  return url;
}

static void
test_ipp_adminurl (void)
{
  static const struct
  {
    const char *adminurl, *want;
  } cases[] = {
    /* The printer's own name or address: rebuilt on its IPv4 address. */
    { "https://HP9C7BEF3F19A2.local:8631/", "https://198.18.0.15:8631/" },
    { "https://hp9c7bef3f19a2.local.:8631/", "https://198.18.0.15:8631/" },
    { "http://198.18.0.15/hp/device/info", "http://198.18.0.15/hp/device/info" },
    { "http://[fe80::9e7b:efff:fe3f:19a2]:8631/", "http://198.18.0.15:8631/" },
    { "HTTPS://HP9C7BEF3F19A2.local/admin?x=1#frag", "https://198.18.0.15/admin?x=1" },
    { "http://user:secret@HP9C7BEF3F19A2.local/", "http://198.18.0.15/" },
    { "https://HP9C7BEF3F19A2.local:443/", "https://198.18.0.15/" },
    /* Another host, another scheme, or not a URL: the web service instead. */
    { "https://evil.example/", "http://198.18.0.15:8080/" },
    { "https://HP9C7BEF3F19A2.local.evil.example/", "http://198.18.0.15:8080/" },
    { "http://198.18.0.99/", "http://198.18.0.15:8080/" },
    { "ftp://HP9C7BEF3F19A2.local/", "http://198.18.0.15:8080/" },
    { "javascript:alert(1)", "http://198.18.0.15:8080/" },
    { "https://HP9C7BEF3F19A2.local/a b", "http://198.18.0.15:8080/" },
    { "https://HP9C7BEF3F19A2.local/\x1b[2J", "http://198.18.0.15:8080/" },
    { "", "http://198.18.0.15:8080/" },
    { NULL, "http://198.18.0.15:8080/" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = printer_url (cases[i].adminurl);
      if (g_strcmp0 (got, cases[i].want) != 0)
        g_error ("adminurl %s: got %s, expected %s", cases[i].adminurl, got, cases[i].want);
    }
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/device-url/http", test_http);
  g_test_add_func ("/device-url/hostile-path", test_hostile_path);
  g_test_add_func ("/device-url/https-first", test_https_first);
  g_test_add_func ("/device-url/addresses", test_addresses);
  g_test_add_func ("/device-url/ipp-adminurl", test_ipp_adminurl);
  int ret = g_test_run ();
  g_free (argv);
  return ret;
}
