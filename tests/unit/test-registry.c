/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for app/core/iot-registry.[ch] and iot-inventory.[ch], fed with
 * synthetic browse/resolve events as the Avahi discovery would send them.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/iot-inventory.h"
#include "app/core/iot-registry.h"
#include "app/core/iot-sanitize.h"
#include "app/core/iot-txt.h"

#include <glib/gstdio.h>
#include <string.h>

#define ELLIPSIS "\xE2\x80\xA6"

/* --- helpers ------------------------------------------------------------------ */

static IotRecordKey
rkey (int ifindex, IotFamily protocol, const char *name, const char *type)
{
  IotRecordKey k = { ifindex, ifindex == 2 ? "lab0" : "lab1", protocol, name, type, "local" };
  return k;
}

static IotAddress
addr (IotFamily family, const char *address, int ifindex)
{
  IotAddress a = { 0 };
  a.family = family;
  g_strlcpy (a.address, address, sizeof a.address);
  a.ifindex = ifindex;
  g_strlcpy (a.ifname, ifindex == 2 ? "lab0" : "lab1", sizeof a.ifname);
  return a;
}

static IotTxt *
txt_new (const char *first, ...) G_GNUC_NULL_TERMINATED;

static IotTxt *
txt_new (const char *first, ...)
{
  IotTxt *t = iot_txt_new ();
  va_list ap;
  va_start (ap, first);
  for (const char *s = first; s != NULL; s = va_arg (ap, const char *))
    iot_txt_add_item (t, (const guint8 *) s, strlen (s));
  va_end (ap);
  return t;
}

/* Browses and resolves one record (found, then resolved), as Avahi does. */
static void
announce (IotRegistry *reg, IotFamily proto, const char *name, const char *type,
          const char *host, const char *address, IotTxt *txt)
{
  IotRecordKey k = rkey (2, proto, name, type);
  IotAddress a = addr (proto, address, 2);
  iot_registry_record_found (reg, &k);
  iot_registry_record_resolved (reg, &k, host, &a, 80, txt ? txt : iot_txt_new ());
}

static void
withdraw (IotRegistry *reg, IotFamily proto, const char *name, const char *type)
{
  IotRecordKey k = rkey (2, proto, name, type);
  iot_registry_record_removed (reg, &k);
}

static IotService *
device_find_service (IotDevice *d, const char *type)
{
  for (guint i = 0; i < d->services->len; i++)
    {
      IotService *s = d->services->pdata[i];
      if (g_str_equal (s->type, type))
        return s;
    }
  return NULL;
}

/* Collects listener events as "ADDED id", "CHANGED id", "REMOVED id". */
typedef struct
{
  GPtrArray *events;
} EventLog;

static void
log_cb (IotRegistry *reg, IotRegistryEvent event, IotDevice *device, gpointer data)
{
  EventLog *log = data;
  static const char *const names[] = { "ADDED", "CHANGED", "REMOVED" };
  g_assert_cmpint (event, >=, IOT_REGISTRY_DEVICE_ADDED);
  g_assert_cmpint (event, <=, IOT_REGISTRY_DEVICE_REMOVED);
  g_assert_nonnull (device);
  /* The device is still readable while listeners are told. */
  g_ptr_array_add (log->events, g_strdup_printf ("%s %s", names[event], device->id));
  if (event != IOT_REGISTRY_DEVICE_REMOVED)
    g_assert_true (iot_registry_get_device (reg, device->id) == device);
  else
    g_assert_null (iot_registry_get_device (reg, device->id));
}

static void
log_init (EventLog *log)
{
  log->events = g_ptr_array_new_with_free_func (g_free);
}

static void
log_clear (EventLog *log)
{
  g_ptr_array_set_size (log->events, 0);
}

static guint
log_count (EventLog *log, const char *prefix)
{
  guint n = 0;
  for (guint i = 0; i < log->events->len; i++)
    if (g_str_has_prefix (log->events->pdata[i], prefix))
      n++;
  return n;
}

/* Asserts that exactly the events in the NULL-terminated @expected were
 * seen, in this order, and clears the log. */
static void
log_expect (EventLog *log, const char *const *expected)
{
  g_autofree char *got = NULL;
  g_ptr_array_add (log->events, NULL);
  got = g_strjoinv (" | ", (char **) log->events->pdata);
  g_ptr_array_remove_index (log->events, log->events->len - 1);
  g_autofree char *want = g_strjoinv (" | ", (char **) expected);
  g_assert_cmpstr (got, ==, want);
  log_clear (log);
}

#define EXPECT(log, ...)                                                         \
  do                                                                             \
    {                                                                            \
      const char *const expected_[] = { __VA_ARGS__, NULL };                     \
      log_expect (log, expected_);                                               \
    }                                                                            \
  while (0)
#define EXPECT_NONE(log) g_assert_cmpuint ((log)->events->len, ==, 0)

static void
log_free (EventLog *log)
{
  g_ptr_array_unref (log->events);
}

/* Removes @path and everything under it. */
static void
rm_rf (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          rm_rf (child);
        }
      g_assert_cmpint (g_rmdir (path), ==, 0);
    }
  else
    g_assert_cmpint (g_unlink (path), ==, 0);
}

/* --- records, services and devices -------------------------------------------- */

static void
test_found_is_pending (void)
{
  IotRegistry *reg = iot_registry_new ();
  EventLog log;
  log_init (&log);
  iot_registry_add_listener (reg, log_cb, &log);

  IotRecordKey k = rkey (2, IOT_FAMILY_IPV4, "shellyplus1-a8032abcdef0", "_shelly._tcp");
  iot_registry_record_found (reg, &k);
  g_assert_cmpuint (iot_registry_get_n_pending (reg), ==, 1);
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 0);
  g_autoptr (GPtrArray) none = iot_registry_dup_devices (reg);
  g_assert_cmpuint (none->len, ==, 0);
  EXPECT_NONE (&log);

  /* Reported again: still one record. */
  iot_registry_record_found (reg, &k);
  g_assert_cmpuint (iot_registry_get_n_pending (reg), ==, 1);

  /* The same instance on another protocol or interface is another record. */
  IotRecordKey k6 = rkey (2, IOT_FAMILY_IPV6, "shellyplus1-a8032abcdef0", "_shelly._tcp");
  IotRecordKey k3 = rkey (3, IOT_FAMILY_IPV4, "shellyplus1-a8032abcdef0", "_shelly._tcp");
  iot_registry_record_found (reg, &k6);
  iot_registry_record_found (reg, &k3);
  g_assert_cmpuint (iot_registry_get_n_pending (reg), ==, 3);
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 0);

  IotAddress a = addr (IOT_FAMILY_IPV4, "192.0.2.10", 2);
  iot_registry_record_resolved (reg, &k, "shellyplus1-a8032abcdef0.local", &a, 80, NULL);
  g_assert_cmpuint (iot_registry_get_n_pending (reg), ==, 2);
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 1);
  EXPECT (&log, "ADDED shellyplus1-a8032abcdef0.local", "CHANGED shellyplus1-a8032abcdef0.local");

  /* A pending record that goes away leaves no trace. */
  iot_registry_record_removed (reg, &k6);
  iot_registry_record_removed (reg, &k3);
  g_assert_cmpuint (iot_registry_get_n_pending (reg), ==, 0);
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 1);
  EXPECT_NONE (&log);

  iot_registry_free (reg);
  log_free (&log);
}

static void
test_group_by_host (void)
{
  IotRegistry *reg = iot_registry_new ();
  EventLog log;
  log_init (&log);
  iot_registry_add_listener (reg, log_cb, &log);

  announce (reg, IOT_FAMILY_IPV4, "Shelly Plus 1 Kitchen", "_http._tcp", "ShellyPlus1-A8.local",
            "192.0.2.10", txt_new ("gen=2", NULL));
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 1);
  g_assert_cmpuint (iot_registry_get_n_pending (reg), ==, 0);
  EXPECT (&log, "ADDED shellyplus1-a8.local", "CHANGED shellyplus1-a8.local");

  IotDevice *d = iot_registry_get_device (reg, "shellyplus1-a8.local");
  g_assert_nonnull (d);
  g_assert_cmpstr (d->id, ==, "shellyplus1-a8.local");
  g_assert_cmpstr (d->host, ==, "ShellyPlus1-A8.local");
  g_assert_cmpuint (d->services->len, ==, 1);
  g_assert_true (iot_device_is_reachable (d));
  g_assert_cmpint (d->first_seen, >, 0);
  g_assert_cmpint (d->last_seen, >=, d->first_seen);

  IotService *http = device_find_service (d, "_http._tcp");
  g_assert_nonnull (http);
  g_assert_cmpstr (http->name, ==, "Shelly Plus 1 Kitchen");
  g_assert_cmpstr (http->domain, ==, "local");
  g_assert_cmpuint (http->port, ==, 80);
  g_assert_true (http->device == d);
  g_assert_cmpuint (http->records->len, ==, 1);
  g_autofree char *gen = iot_txt_dup_value (http->txt, "gen");
  g_assert_cmpstr (gen, ==, "2");

  /* Another service of the same host, spelled in another case. */
  announce (reg, IOT_FAMILY_IPV4, "shellyplus1-a8032abcdef0", "_shelly._tcp",
            "SHELLYPLUS1-A8.LOCAL", "192.0.2.10", NULL);
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 1);
  g_assert_true (iot_registry_get_device (reg, "shellyplus1-a8.local") == d);
  g_assert_cmpuint (d->services->len, ==, 2);
  g_assert_nonnull (device_find_service (d, "_http._tcp"));
  g_assert_nonnull (device_find_service (d, "_shelly._tcp"));
  EXPECT (&log, "CHANGED shellyplus1-a8.local");

  /* A resolve again with a new TXT and port updates the service in place. */
  IotRecordKey k = rkey (2, IOT_FAMILY_IPV4, "Shelly Plus 1 Kitchen", "_http._tcp");
  IotAddress a = addr (IOT_FAMILY_IPV4, "192.0.2.10", 2);
  iot_registry_record_resolved (reg, &k, "ShellyPlus1-A8.local", &a, 8080,
                                txt_new ("gen=3", NULL));
  g_assert_cmpuint (d->services->len, ==, 2);
  http = device_find_service (d, "_http._tcp");
  g_assert_cmpuint (http->port, ==, 8080);
  g_assert_cmpuint (http->records->len, ==, 1);
  g_autofree char *gen3 = iot_txt_dup_value (http->txt, "gen");
  g_assert_cmpstr (gen3, ==, "3");
  EXPECT (&log, "CHANGED shellyplus1-a8.local");

  /* A second host is a second device. */
  announce (reg, IOT_FAMILY_IPV4, "Living Room Bridge", "_hap._tcp", "hue-bridge.local",
            "192.0.2.20", NULL);
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 2);
  IotDevice *hue = iot_registry_get_device (reg, "hue-bridge.local");
  g_assert_nonnull (hue);
  g_assert_true (hue != d);
  g_assert_cmpuint (hue->services->len, ==, 1);
  g_assert_cmpuint (d->services->len, ==, 2);
  EXPECT (&log, "ADDED hue-bridge.local", "CHANGED hue-bridge.local");

  iot_registry_free (reg);
  log_free (&log);
}

static void
test_addresses (void)
{
  IotRegistry *reg = iot_registry_new ();
  announce (reg, IOT_FAMILY_IPV6, "Plug", "_http._tcp", "plug.local", "fe80::1", NULL);
  announce (reg, IOT_FAMILY_IPV4, "Plug", "_http._tcp", "plug.local", "192.0.2.10", NULL);
  IotDevice *d = iot_registry_get_device (reg, "plug.local");
  g_assert_nonnull (d);
  g_assert_cmpuint (d->services->len, ==, 1);
  IotService *s = d->services->pdata[0];
  g_assert_cmpuint (s->records->len, ==, 2);

  /* The same addresses again through another service: no duplicates. */
  announce (reg, IOT_FAMILY_IPV4, "plug-api", "_shelly._tcp", "plug.local", "192.0.2.10", NULL);
  announce (reg, IOT_FAMILY_IPV6, "plug-api", "_shelly._tcp", "plug.local", "fe80::1", NULL);
  g_assert_cmpuint (d->services->len, ==, 2);

  g_autoptr (GPtrArray) addrs = iot_device_dup_addresses (d);
  g_assert_cmpuint (addrs->len, ==, 2);
  const IotAddress *a0 = addrs->pdata[0], *a1 = addrs->pdata[1];
  g_assert_cmpint (a0->family, ==, IOT_FAMILY_IPV4);
  g_assert_cmpstr (a0->address, ==, "192.0.2.10");
  g_assert_cmpint (a1->family, ==, IOT_FAMILY_IPV6);
  g_assert_cmpstr (a1->address, ==, "fe80::1");

  g_autofree char *s0 = iot_address_to_string (a0);
  g_autofree char *s1 = iot_address_to_string (a1);
  g_assert_cmpstr (s0, ==, "192.0.2.10");
  g_assert_cmpstr (s1, ==, "fe80::1%lab0");
  g_assert_cmpstr (iot_family_to_string (a0->family), ==, "ipv4");
  g_assert_cmpstr (iot_family_to_string (a1->family), ==, "ipv6");

  /* A global IPv6 address has no scope; more IPv4 addresses still sort
   * before every IPv6 one. */
  announce (reg, IOT_FAMILY_IPV6, "plug-mqtt", "_mqtt._tcp", "plug.local", "2001:db8::10", NULL);
  announce (reg, IOT_FAMILY_IPV4, "plug-ssh", "_ssh._tcp", "plug.local", "198.51.100.7", NULL);
  g_autoptr (GPtrArray) all = iot_device_dup_addresses (d);
  g_assert_cmpuint (all->len, ==, 4);
  for (guint i = 0; i < all->len; i++)
    {
      const IotAddress *a = all->pdata[i];
      g_assert_cmpint (a->family, ==, i < 2 ? IOT_FAMILY_IPV4 : IOT_FAMILY_IPV6);
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (((const IotAddress *) all->pdata[j])->address, !=, a->address);
      if (g_str_equal (a->address, "2001:db8::10"))
        {
          g_autofree char *str = iot_address_to_string (a);
          g_assert_cmpstr (str, ==, "2001:db8::10");
        }
    }

  /* Standalone formatting. */
  IotAddress ll = addr (IOT_FAMILY_IPV6, "fe80::abcd:1", 3);
  g_autofree char *lls = iot_address_to_string (&ll);
  g_assert_cmpstr (lls, ==, "fe80::abcd:1%lab1");
  IotAddress v4 = addr (IOT_FAMILY_IPV4, "203.0.113.5", 3);
  g_autofree char *v4s = iot_address_to_string (&v4);
  g_assert_cmpstr (v4s, ==, "203.0.113.5");

  /* Records that are not resolved contribute no address. */
  IotRecordKey k = rkey (2, IOT_FAMILY_IPV4, "plug-ssh", "_ssh._tcp");
  iot_registry_record_failed (reg, &k, "timeout");
  g_autoptr (GPtrArray) after = iot_device_dup_addresses (d);
  g_assert_cmpuint (after->len, ==, 3);
  for (guint i = 0; i < after->len; i++)
    g_assert_cmpstr (((const IotAddress *) after->pdata[i])->address, !=, "198.51.100.7");

  iot_registry_free (reg);
}

static void
test_remove (void)
{
  IotRegistry *reg = iot_registry_new ();
  EventLog log;
  log_init (&log);
  guint id = iot_registry_add_listener (reg, log_cb, &log);

  announce (reg, IOT_FAMILY_IPV4, "Plug", "_http._tcp", "plug.local", "192.0.2.10", NULL);
  announce (reg, IOT_FAMILY_IPV6, "Plug", "_http._tcp", "plug.local", "fe80::1", NULL);
  announce (reg, IOT_FAMILY_IPV4, "plug-api", "_shelly._tcp", "plug.local", "192.0.2.10", NULL);
  announce (reg, IOT_FAMILY_IPV4, "Cam", "_rtsp._tcp", "cam.local", "192.0.2.30", NULL);
  EXPECT (&log, "ADDED plug.local", "CHANGED plug.local", "CHANGED plug.local",
          "CHANGED plug.local", "ADDED cam.local", "CHANGED cam.local");
  IotDevice *d = iot_registry_get_device (reg, "plug.local");

  /* One record of two: the service stays. */
  withdraw (reg, IOT_FAMILY_IPV4, "Plug", "_http._tcp");
  g_assert_cmpuint (d->services->len, ==, 2);
  g_assert_cmpuint (device_find_service (d, "_http._tcp")->records->len, ==, 1);
  EXPECT (&log, "CHANGED plug.local");

  /* The last record of a service: the service goes, the device stays. */
  withdraw (reg, IOT_FAMILY_IPV6, "Plug", "_http._tcp");
  g_assert_cmpuint (d->services->len, ==, 1);
  g_assert_null (device_find_service (d, "_http._tcp"));
  g_assert_nonnull (iot_registry_get_device (reg, "plug.local"));
  EXPECT (&log, "CHANGED plug.local");

  /* Unknown records are ignored. */
  withdraw (reg, IOT_FAMILY_IPV4, "Plug", "_http._tcp");
  withdraw (reg, IOT_FAMILY_IPV4, "nothing", "_http._tcp");
  EXPECT_NONE (&log);

  /* The last service: the device goes. */
  withdraw (reg, IOT_FAMILY_IPV4, "plug-api", "_shelly._tcp");
  g_assert_null (iot_registry_get_device (reg, "plug.local"));
  g_assert_null (iot_registry_lookup (reg, "plug"));
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 1);
  EXPECT (&log, "REMOVED plug.local");

  /* Without the listener, nothing more is heard. */
  iot_registry_remove_listener (reg, id);
  withdraw (reg, IOT_FAMILY_IPV4, "Cam", "_rtsp._tcp");
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 0);
  EXPECT_NONE (&log);

  iot_registry_free (reg);
  log_free (&log);
}

static void
test_listener_counts (void)
{
  IotRegistry *reg = iot_registry_new ();
  EventLog a, b;
  log_init (&a);
  log_init (&b);
  iot_registry_add_listener (reg, log_cb, &a);
  guint idb = iot_registry_add_listener (reg, log_cb, &b);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("dev%u", i);
      g_autofree char *host = g_strdup_printf ("dev%u.local", i);
      announce (reg, IOT_FAMILY_IPV4, name, "_http._tcp", host, "192.0.2.1", NULL);
    }
  g_assert_cmpuint (log_count (&a, "ADDED "), ==, 5);
  g_assert_cmpuint (log_count (&a, "CHANGED "), ==, 5);
  g_assert_cmpuint (log_count (&a, "REMOVED "), ==, 0);
  g_assert_cmpuint (b.events->len, ==, a.events->len);

  iot_registry_remove_listener (reg, idb);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("dev%u", i);
      withdraw (reg, IOT_FAMILY_IPV4, name, "_http._tcp");
    }
  g_assert_cmpuint (log_count (&a, "REMOVED "), ==, 5);
  g_assert_cmpuint (log_count (&b, "REMOVED "), ==, 0);
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 0);

  iot_registry_free (reg);
  log_free (&a);
  log_free (&b);
}

/* A listener that reads the device it is told about, as a notice "X
 * appeared / X left" would: every device it sees has a name, and an added
 * one has its service already. */
static void
read_cb (IotRegistry *reg, IotRegistryEvent event, IotDevice *device, gpointer data)
{
  GPtrArray *names = data;
  if (event == IOT_REGISTRY_DEVICE_ADDED)
    g_assert_cmpuint (device->services->len, >, 0);
  g_ptr_array_add (names, iot_device_dup_display_name (device));
}

static void
test_listener_reads_device (void)
{
  /* Found by tests/fuzz/fuzz-device-url (seed daemon-restart): a device
   * made for a record that never resolved was announced before it had a
   * service, and reading its name crashed. */
  IotRegistry *reg = iot_registry_new ();
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  iot_registry_add_listener (reg, read_cb, names);
  IotRecordKey k = rkey (2, IOT_FAMILY_IPV4, "Ghost Plug", "_http._tcp");
  iot_registry_record_found (reg, &k);
  iot_registry_record_failed (reg, &k, "timeout");
  iot_registry_record_removed (reg, &k);
  g_assert_cmpuint (names->len, ==, 3); /* ADDED, CHANGED, REMOVED */
  for (guint i = 0; i < names->len; i++)
    g_assert_cmpstr (names->pdata[i], ==, "Ghost Plug");

  /* A resolved device, added and removed. */
  g_ptr_array_set_size (names, 0);
  announce (reg, IOT_FAMILY_IPV4, "Lamp", "_http._tcp", "lamp.local", "192.0.2.7", NULL);
  withdraw (reg, IOT_FAMILY_IPV4, "Lamp", "_http._tcp");
  g_assert_cmpuint (names->len, ==, 3);
  g_assert_cmpstr (names->pdata[0], ==, "Lamp");
  g_assert_cmpstr (names->pdata[2], ==, "lamp");
  iot_registry_free (reg);
}

static void
test_failed_unresolved (void)
{
  IotRegistry *reg = iot_registry_new ();
  EventLog log;
  log_init (&log);
  iot_registry_add_listener (reg, log_cb, &log);

  IotRecordKey k = rkey (2, IOT_FAMILY_IPV4, "Broken Lamp", "_http._tcp");
  iot_registry_record_found (reg, &k);
  iot_registry_record_failed (reg, &k, "the device did not answer");
  g_assert_cmpuint (iot_registry_get_n_pending (reg), ==, 0);
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 1);
  EXPECT (&log, "ADDED name:Broken Lamp", "CHANGED name:Broken Lamp");

  IotDevice *d = iot_registry_get_device (reg, "name:Broken Lamp");
  g_assert_nonnull (d);
  g_assert_null (d->host);
  g_assert_false (iot_device_is_reachable (d));
  g_autofree char *name = iot_device_dup_display_name (d);
  g_assert_cmpstr (name, ==, "Broken Lamp");
  g_autofree char *host = iot_device_dup_host (d);
  g_assert_cmpstr (host, ==, "");
  g_autoptr (GPtrArray) addrs = iot_device_dup_addresses (d);
  g_assert_cmpuint (addrs->len, ==, 0);
  IotRecord *r = ((IotService *) d->services->pdata[0])->records->pdata[0];
  g_assert_cmpint (r->state, ==, IOT_RECORD_FAILED);
  g_assert_cmpstr (r->error, ==, "the device did not answer");
  g_assert_true (iot_registry_lookup (reg, "Broken Lamp") == d);

  /* Failing again does not make a second device. */
  iot_registry_record_failed (reg, &k, "again");
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 1);
  g_assert_cmpstr (r->error, ==, "again");
  EXPECT (&log, "CHANGED name:Broken Lamp");

  /* A failure for a record never browsed is ignored. */
  IotRecordKey ghost = rkey (2, IOT_FAMILY_IPV4, "Ghost", "_http._tcp");
  iot_registry_record_failed (reg, &ghost, "no");
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 1);
  EXPECT_NONE (&log);

  /* Resolving later moves it to its host. */
  IotAddress a = addr (IOT_FAMILY_IPV4, "192.0.2.40", 2);
  iot_registry_record_resolved (reg, &k, "lamp.local", &a, 80, NULL);
  g_assert_null (iot_registry_get_device (reg, "name:Broken Lamp"));
  IotDevice *lamp = iot_registry_get_device (reg, "lamp.local");
  g_assert_nonnull (lamp);
  g_assert_true (iot_device_is_reachable (lamp));
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 1);
  g_assert_null (r->error);
  EXPECT (&log, "REMOVED name:Broken Lamp", "ADDED lamp.local", "CHANGED lamp.local");

  /* A resolved record that fails keeps its device, now unreachable. */
  iot_registry_record_failed (reg, &k, "gone quiet");
  g_assert_true (iot_registry_get_device (reg, "lamp.local") == lamp);
  g_assert_false (iot_device_is_reachable (lamp));
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 1);
  EXPECT (&log, "CHANGED lamp.local");

  iot_registry_free (reg);
  log_free (&log);
}

static void
test_move_host (void)
{
  IotRegistry *reg = iot_registry_new ();
  EventLog log;
  log_init (&log);
  iot_registry_add_listener (reg, log_cb, &log);

  announce (reg, IOT_FAMILY_IPV4, "Plug", "_http._tcp", "old.local", "192.0.2.10", NULL);
  announce (reg, IOT_FAMILY_IPV4, "Other", "_http._tcp", "keep.local", "192.0.2.11", NULL);
  announce (reg, IOT_FAMILY_IPV4, "Other-api", "_shelly._tcp", "keep.local", "192.0.2.11", NULL);
  log_clear (&log);

  /* The only record of old.local now resolves to new.local. */
  IotRecordKey k = rkey (2, IOT_FAMILY_IPV4, "Plug", "_http._tcp");
  IotAddress a = addr (IOT_FAMILY_IPV4, "192.0.2.12", 2);
  iot_registry_record_resolved (reg, &k, "new.local", &a, 80, NULL);
  g_assert_null (iot_registry_get_device (reg, "old.local"));
  IotDevice *nd = iot_registry_get_device (reg, "new.local");
  g_assert_nonnull (nd);
  g_assert_cmpuint (nd->services->len, ==, 1);
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 2);
  g_assert_null (iot_registry_lookup (reg, "192.0.2.10"));
  g_assert_true (iot_registry_lookup (reg, "192.0.2.12") == nd);
  g_assert_cmpuint (log_count (&log, "REMOVED old.local"), ==, 1);
  g_assert_cmpuint (log_count (&log, "ADDED new.local"), ==, 1);
  log_clear (&log);

  /* One of two services of keep.local moves: keep.local stays. */
  IotRecordKey k2 = rkey (2, IOT_FAMILY_IPV4, "Other-api", "_shelly._tcp");
  iot_registry_record_resolved (reg, &k2, "new.local", &a, 80, NULL);
  IotDevice *keep = iot_registry_get_device (reg, "keep.local");
  g_assert_nonnull (keep);
  g_assert_cmpuint (keep->services->len, ==, 1);
  g_assert_cmpuint (nd->services->len, ==, 2);
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 2);
  EXPECT (&log, "CHANGED keep.local", "CHANGED new.local");

  /* Same host in another case is not a move. */
  IotRecordKey k3 = rkey (2, IOT_FAMILY_IPV4, "Other", "_http._tcp");
  IotAddress a3 = addr (IOT_FAMILY_IPV4, "192.0.2.11", 2);
  iot_registry_record_resolved (reg, &k3, "KEEP.local", &a3, 80, NULL);
  g_assert_true (iot_registry_get_device (reg, "keep.local") == keep);
  EXPECT (&log, "CHANGED keep.local");

  iot_registry_free (reg);
  log_free (&log);
}

static void
test_stale (void)
{
  IotRegistry *reg = iot_registry_new ();
  EventLog log;
  log_init (&log);

  announce (reg, IOT_FAMILY_IPV4, "A", "_http._tcp", "a.local", "192.0.2.1", NULL);
  announce (reg, IOT_FAMILY_IPV4, "A-api", "_shelly._tcp", "a.local", "192.0.2.1", NULL);
  announce (reg, IOT_FAMILY_IPV4, "B", "_http._tcp", "b.local", "192.0.2.2", NULL);
  announce (reg, IOT_FAMILY_IPV4, "C", "_http._tcp", "c.local", "192.0.2.3", NULL);
  IotRecordKey pending = rkey (2, IOT_FAMILY_IPV4, "P", "_http._tcp");
  IotRecordKey pending2 = rkey (2, IOT_FAMILY_IPV4, "P2", "_http._tcp");
  iot_registry_record_found (reg, &pending);
  iot_registry_record_found (reg, &pending2);
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 3);
  g_assert_cmpuint (iot_registry_get_n_pending (reg), ==, 2);
  iot_registry_add_listener (reg, log_cb, &log);

  iot_registry_mark_stale (reg);
  /* Marking alone changes nothing visible. */
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 3);
  EXPECT_NONE (&log);

  /* The daemon reports A's http record, B (resolved again) and one pending
   * record again; A's shelly record, C and the other pending one are gone. */
  IotRecordKey ka = rkey (2, IOT_FAMILY_IPV4, "A", "_http._tcp");
  iot_registry_record_found (reg, &ka);
  IotRecordKey kb = rkey (2, IOT_FAMILY_IPV4, "B", "_http._tcp");
  IotAddress ab = addr (IOT_FAMILY_IPV4, "192.0.2.2", 2);
  iot_registry_record_resolved (reg, &kb, "b.local", &ab, 80, NULL);
  iot_registry_record_found (reg, &pending);
  log_clear (&log);

  iot_registry_sweep_stale (reg);
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 2);
  IotDevice *a = iot_registry_get_device (reg, "a.local");
  g_assert_nonnull (a);
  g_assert_cmpuint (a->services->len, ==, 1);
  g_assert_nonnull (device_find_service (a, "_http._tcp"));
  g_assert_nonnull (iot_registry_get_device (reg, "b.local"));
  g_assert_null (iot_registry_get_device (reg, "c.local"));
  g_assert_cmpuint (iot_registry_get_n_pending (reg), ==, 1);
  g_assert_cmpuint (log_count (&log, "REMOVED c.local"), ==, 1);
  g_assert_cmpuint (log_count (&log, "CHANGED a.local"), ==, 1);
  g_assert_cmpuint (log.events->len, ==, 2);
  log_clear (&log);

  /* A second sweep without a new mark removes nothing. */
  iot_registry_sweep_stale (reg);
  g_assert_cmpuint (iot_registry_get_n_devices (reg), ==, 2);
  g_assert_cmpuint (iot_registry_get_n_pending (reg), ==, 1);
  EXPECT_NONE (&log);

  /* The removed ones can come back. */
  announce (reg, IOT_FAMILY_IPV4, "C", "_http._tcp", "c.local", "192.0.2.3", NULL);
  g_assert_nonnull (iot_registry_get_device (reg, "c.local"));

  iot_registry_free (reg);
  log_free (&log);
}

/* --- what people see ------------------------------------------------------------ */

static void
test_display_name (void)
{
  IotRegistry *reg = iot_registry_new ();

  /* Matter commissionable: the instance name is an opaque id; DN is used. */
  announce (reg, IOT_FAMILY_IPV6, "3A2B4C5D6E7F8091", "_matterc._udp", "matter-plug.local",
            "fe80::2", txt_new ("D=3840", "DN=Eve Energy", "VP=4874+77", NULL));
  IotDevice *m = iot_registry_get_device (reg, "matter-plug.local");
  g_autofree char *mn = iot_device_dup_display_name (m);
  g_assert_cmpstr (mn, ==, "Eve Energy");

  /* Matter without a name in TXT: the host name, without .local. */
  announce (reg, IOT_FAMILY_IPV6, "8F1E2D3C4B5A6978-0000000000000001", "_matter._tcp",
            "A0B1C2D3E4F5.local", "fe80::3", txt_new ("SII=5000", NULL));
  IotDevice *m2 = iot_registry_get_device (reg, "a0b1c2d3e4f5.local");
  g_autofree char *m2n = iot_device_dup_display_name (m2);
  g_assert_cmpstr (m2n, ==, "A0B1C2D3E4F5");
  g_autofree char *m2h = iot_device_dup_host (m2);
  g_assert_cmpstr (m2h, ==, "A0B1C2D3E4F5");

  /* Matter plus a friendly service: the friendly instance name wins. */
  announce (reg, IOT_FAMILY_IPV6, "1122334455667788", "_matterc._udp", "combo.local", "fe80::4",
            txt_new ("DN=From TXT", NULL));
  announce (reg, IOT_FAMILY_IPV4, "Combo Plug", "_http._tcp", "combo.local", "192.0.2.4", NULL);
  g_autofree char *cn = iot_device_dup_display_name (iot_registry_get_device (reg, "combo.local"));
  g_assert_cmpstr (cn, ==, "Combo Plug");

  /* Otherwise the instance name. */
  announce (reg, IOT_FAMILY_IPV4, "Küche Licht 日本", "_http._tcp", "kitchen.local", "192.0.2.5",
            txt_new ("DN=Not this", NULL));
  g_autofree char *kn =
      iot_device_dup_display_name (iot_registry_get_device (reg, "kitchen.local"));
  g_assert_cmpstr (kn, ==, "Küche Licht 日本");

  /* Hostile instance names are sanitized. */
  announce (reg, IOT_FAMILY_IPV4, "Evil\x1b[2J\x1b]0;owned\x07\xE2\x80\xAE" "gpj.exe\xff",
            "_http._tcp", "evil.local", "192.0.2.6", NULL);
  g_autofree char *en = iot_device_dup_display_name (iot_registry_get_device (reg, "evil.local"));
  g_assert_true (g_utf8_validate (en, -1, NULL));
  g_assert_true (iot_sanitize_is_clean (en));
  g_assert_null (strchr (en, 0x1b));
  g_assert_null (strchr (en, 0x07));
  g_assert_null (strstr (en, "\xE2\x80\xAE"));
  g_assert_true (g_str_has_prefix (en, "Evil"));

  /* Hostile TXT names too. */
  announce (reg, IOT_FAMILY_IPV6, "0011223344556677", "_matterc._udp", "evil2.local", "fe80::5",
            txt_new ("DN=Bad\x1b[31mRed\r\nLine\xE2\x81\xA6", NULL));
  g_autofree char *e2n =
      iot_device_dup_display_name (iot_registry_get_device (reg, "evil2.local"));
  g_assert_true (iot_sanitize_is_clean (e2n));
  for (const char *p = e2n; *p; p++)
    g_assert_cmpint ((guchar) *p, >=, 0x20);
  g_assert_null (strstr (e2n, "\xE2\x81\xA6"));
  g_assert_true (g_str_has_prefix (e2n, "Bad"));

  /* ... and hostile host names. */
  announce (reg, IOT_FAMILY_IPV6, "99887766554433221", "_matterc._udp",
            "bad\x1b[2Jhost\xC2\x9B.local", "fe80::6", NULL);
  IotDevice *bh = iot_registry_get_device (reg, "bad\x1b[2jhost\xC2\x9B.local");
  g_assert_nonnull (bh);
  g_autofree char *bhn = iot_device_dup_display_name (bh);
  g_autofree char *bhh = iot_device_dup_host (bh);
  g_assert_true (iot_sanitize_is_clean (bhn));
  g_assert_true (iot_sanitize_is_clean (bhh));
  g_assert_null (strchr (bhh, 0x1b));
  g_assert_null (strstr (bhh, "\xC2\x9B"));
  g_assert_false (g_str_has_suffix (bhh, ".local"));

  /* Very long names are bounded. */
  g_autofree char *longname = g_strnfill (600, 'x');
  announce (reg, IOT_FAMILY_IPV4, longname, "_http._tcp", "long.local", "192.0.2.7", NULL);
  g_autofree char *ln = iot_device_dup_display_name (iot_registry_get_device (reg, "long.local"));
  g_assert_cmpuint (strlen (ln), <=, 128);
  g_assert_true (g_str_has_suffix (ln, ELLIPSIS));

  iot_registry_free (reg);
}

static void
test_kind (void)
{
  IotRegistry *reg = iot_registry_new ();
  static const struct
  {
    const char *type, *kind, *label;
  } cases[] = {
    { "_hap._tcp", "homekit", "HomeKit accessory" },
    { "_shelly._tcp", "shelly", "Shelly device" },
    { "_matterc._udp", "matter-setup", "Matter device (setup mode)" },
    { "_matter._tcp", "matter", "Matter device" },
    { "_esphomelib._tcp", "esphome", "ESPHome device" },
    { "_ipp._tcp", "printer", "Printer" },
    { "_rtsp._tcp", "camera", "Camera" },
    { "_mqtt._tcp", "mqtt", "MQTT broker" },
    { "_googlecast._tcp", "media", "Media player" },
    { "_ssh._tcp", "computer", "Computer (SSH)" },
    { "_http._tcp", "web", "Web-managed device" },
    { "_foo._tcp", "unknown", "Device" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *host = g_strdup_printf ("kind%u.local", i);
      announce (reg, IOT_FAMILY_IPV4, "dev", cases[i].type, host, "192.0.2.1", NULL);
      IotDevice *d = iot_registry_get_device (reg, host);
      const char *label = NULL;
      g_assert_cmpstr (iot_device_get_kind (d, &label), ==, cases[i].kind);
      g_assert_cmpstr (label, ==, cases[i].label);
      g_assert_cmpstr (iot_device_get_kind (d, NULL), ==, cases[i].kind);
    }

  /* A specific type wins over a generic one, whatever the order seen. */
  announce (reg, IOT_FAMILY_IPV4, "web", "_http._tcp", "multi.local", "192.0.2.2", NULL);
  IotDevice *d = iot_registry_get_device (reg, "multi.local");
  g_assert_cmpstr (iot_device_get_kind (d, NULL), ==, "web");
  announce (reg, IOT_FAMILY_IPV4, "api", "_shelly._tcp", "multi.local", "192.0.2.2", NULL);
  g_assert_cmpstr (iot_device_get_kind (d, NULL), ==, "shelly");
  announce (reg, IOT_FAMILY_IPV4, "x", "_ssh._tcp", "multi2.local", "192.0.2.3", NULL);
  announce (reg, IOT_FAMILY_IPV4, "x", "_hap._tcp", "multi2.local", "192.0.2.3", NULL);
  g_assert_cmpstr (iot_device_get_kind (iot_registry_get_device (reg, "multi2.local"), NULL), ==,
                   "homekit");

  iot_registry_free (reg);
}

static void
assert_order (IotRegistry *reg, const char *const *ids)
{
  g_autoptr (GPtrArray) all = iot_registry_dup_devices (reg);
  GString *got = g_string_new (NULL);
  for (guint i = 0; i < all->len; i++)
    g_string_append_printf (got, "%s%s", i ? " " : "", ((IotDevice *) all->pdata[i])->id);
  g_autofree char *want = g_strjoinv (" ", (char **) ids);
  g_assert_cmpstr (got->str, ==, want);
  g_string_free (got, TRUE);
}

static void
test_order (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("iotsetup-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "devices.ini", NULL);

  /* This machine has seen a.local, b.local and m.local before. */
  {
    g_autoptr (IotInventory) inv = iot_inventory_new (path);
    iot_inventory_note (inv, "a.local", g_get_real_time ());
    iot_inventory_note (inv, "b.local", g_get_real_time ());
    iot_inventory_note (inv, "m.local", g_get_real_time ());
    g_assert_true (iot_inventory_flush (inv, &error));
    g_assert_no_error (error);
  }

  IotInventory *inv = iot_inventory_new (path);
  IotRegistry *reg = iot_registry_new ();
  iot_registry_set_inventory (reg, inv);

  /* Display names sort differently from ids. */
  announce (reg, IOT_FAMILY_IPV4, "Zebra lamp", "_http._tcp", "a.local", "192.0.2.1", NULL);
  announce (reg, IOT_FAMILY_IPV4, "Alpha plug", "_http._tcp", "b.local", "192.0.2.2", NULL);
  announce (reg, IOT_FAMILY_IPV4, "Middle", "_http._tcp", "m.local", "192.0.2.3", NULL);
  announce (reg, IOT_FAMILY_IPV4, "Yak", "_http._tcp", "new-y.local", "192.0.2.4", NULL);
  announce (reg, IOT_FAMILY_IPV4, "Xylophone", "_http._tcp", "new-x.local", "192.0.2.5", NULL);
  IotRecordKey k = rkey (2, IOT_FAMILY_IPV4, "Aardvark (broken)", "_http._tcp");
  iot_registry_record_found (reg, &k);
  iot_registry_record_failed (reg, &k, "timeout");

  g_assert_false (iot_registry_get_device (reg, "a.local")->is_new);
  g_assert_true (iot_registry_get_device (reg, "new-y.local")->is_new);
  g_assert_false (iot_registry_get_device (reg, "name:Aardvark (broken)")->is_new);

  /* New first (by name), then the known reachable ones by name, then the
   * unreachable one, even though its name sorts first. */
  assert_order (reg, (const char *const[]){ "new-x.local", "new-y.local", "b.local", "m.local",
                                            "a.local", "name:Aardvark (broken)", NULL });

  /* A known device that becomes unreachable moves to the end. */
  IotRecordKey kb = rkey (2, IOT_FAMILY_IPV4, "Alpha plug", "_http._tcp");
  iot_registry_record_failed (reg, &kb, "timeout");
  assert_order (reg, (const char *const[]){ "new-x.local", "new-y.local", "m.local", "a.local",
                                            "name:Aardvark (broken)", "b.local", NULL });

  iot_registry_free (reg);
  iot_inventory_free (inv);

  /* Without an inventory nothing is new: reachable by name, then unreachable. */
  reg = iot_registry_new ();
  announce (reg, IOT_FAMILY_IPV4, "beta", "_http._tcp", "h1.local", "192.0.2.1", NULL);
  announce (reg, IOT_FAMILY_IPV4, "alpha", "_http._tcp", "h2.local", "192.0.2.2", NULL);
  iot_registry_record_found (reg, &k);
  iot_registry_record_failed (reg, &k, "timeout");
  g_assert_false (iot_registry_get_device (reg, "h1.local")->is_new);
  assert_order (reg, (const char *const[]){ "h2.local", "h1.local", "name:Aardvark (broken)",
                                            NULL });
  iot_registry_free (reg);

  rm_rf (dir);
}

static void
test_lookup (void)
{
  IotRegistry *reg = iot_registry_new ();
  announce (reg, IOT_FAMILY_IPV4, "Kitchen Plug", "_http._tcp", "ShellyPlug-S1.local",
            "192.0.2.10", NULL);
  announce (reg, IOT_FAMILY_IPV6, "Kitchen Plug", "_http._tcp", "ShellyPlug-S1.local",
            "fe80::10", NULL);
  announce (reg, IOT_FAMILY_IPV4, "Printer", "_ipp._tcp", "printer.local", "192.0.2.20", NULL);
  IotRecordKey k = rkey (2, IOT_FAMILY_IPV4, "Lost", "_http._tcp");
  iot_registry_record_found (reg, &k);
  iot_registry_record_failed (reg, &k, "timeout");

  IotDevice *plug = iot_registry_get_device (reg, "shellyplug-s1.local");
  IotDevice *printer = iot_registry_get_device (reg, "printer.local");
  IotDevice *lost = iot_registry_get_device (reg, "name:Lost");
  g_assert_nonnull (plug);
  g_assert_nonnull (printer);
  g_assert_nonnull (lost);

  g_assert_true (iot_registry_lookup (reg, "shellyplug-s1.local") == plug); /* id */
  g_assert_true (iot_registry_lookup (reg, "ShellyPlug-S1.local") == plug); /* host */
  g_assert_true (iot_registry_lookup (reg, "SHELLYPLUG-S1.LOCAL") == plug);
  g_assert_true (iot_registry_lookup (reg, "ShellyPlug-S1") == plug); /* without .local */
  g_assert_true (iot_registry_lookup (reg, "shellyplug-s1") == plug);
  g_assert_true (iot_registry_lookup (reg, "Kitchen Plug") == plug); /* display name */
  g_assert_true (iot_registry_lookup (reg, "192.0.2.10") == plug);   /* address */
  g_assert_true (iot_registry_lookup (reg, "fe80::10") == plug);
  g_assert_true (iot_registry_lookup (reg, "printer") == printer);
  g_assert_true (iot_registry_lookup (reg, "192.0.2.20") == printer);
  g_assert_true (iot_registry_lookup (reg, "name:Lost") == lost);
  g_assert_true (iot_registry_lookup (reg, "Lost") == lost);

  g_assert_null (iot_registry_lookup (reg, "192.0.2.1"));
  g_assert_null (iot_registry_lookup (reg, "192.0.2.100"));
  g_assert_null (iot_registry_lookup (reg, "shellyplug"));
  g_assert_null (iot_registry_lookup (reg, "Kitchen"));
  g_assert_null (iot_registry_lookup (reg, "nothing.local"));
  g_assert_null (iot_registry_get_device (reg, "ShellyPlug-S1.local")); /* exact id only */

  iot_registry_free (reg);
}

/* An empty string names no device, not even one whose host is unknown. */
static void
test_lookup_empty (void)
{
  IotRegistry *reg = iot_registry_new ();
  announce (reg, IOT_FAMILY_IPV4, "Plug", "_http._tcp", "plug.local", "192.0.2.10", NULL);
  IotRecordKey k = rkey (2, IOT_FAMILY_IPV4, "Lost", "_http._tcp");
  iot_registry_record_found (reg, &k);
  iot_registry_record_failed (reg, &k, "timeout");
  g_assert_nonnull (iot_registry_get_device (reg, "name:Lost"));

  IotDevice *d = iot_registry_lookup (reg, "");
  if (d != NULL)
    {
      g_test_message ("iot_registry_lookup (\"\") returned device \"%s\"", d->id);
      g_test_fail ();
    }
  iot_registry_free (reg);
}

/* --- inventory ------------------------------------------------------------------ */

static void
test_inventory (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("iotsetup-test-XXXXXX", &error);
  g_assert_no_error (error);
  /* A directory that does not exist yet: flush creates it. */
  g_autofree char *path = g_build_filename (dir, "state", "iotsetup", "devices.ini", NULL);
  gint64 now = g_get_real_time ();

  IotInventory *inv = iot_inventory_new (path);
  g_assert_true (iot_inventory_note (inv, "shelly1.local", now));
  /* Still new for the rest of this run. */
  g_assert_true (iot_inventory_note (inv, "shelly1.local", now + G_USEC_PER_SEC));
  g_assert_true (iot_inventory_note (inv, "printer.local", now));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (iot_inventory_flush (inv, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  /* The file holds the identities and dates. */
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_assert_true (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  g_assert_true (g_key_file_has_group (kf, "shelly1.local"));
  g_assert_true (g_key_file_has_group (kf, "printer.local"));
  g_autofree char *first = g_key_file_get_string (kf, "shelly1.local", "first_seen", &error);
  g_assert_no_error (error);
  g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (first, NULL);
  g_assert_nonnull (dt);
  g_assert_cmpint (g_date_time_to_unix (dt), ==, now / G_USEC_PER_SEC);
  g_assert_true (g_key_file_has_key (kf, "shelly1.local", "last_seen", NULL));
  iot_inventory_free (inv);

  /* The next run knows them. */
  inv = iot_inventory_new (path);
  g_assert_false (iot_inventory_note (inv, "shelly1.local", now));
  g_assert_false (iot_inventory_note (inv, "printer.local", now));
  g_assert_true (iot_inventory_note (inv, "other.local", now));
  iot_inventory_free (inv); /* a pending save is written on free */

  inv = iot_inventory_new (path);
  g_assert_false (iot_inventory_note (inv, "other.local", now));
  iot_inventory_free (inv);

  rm_rf (dir);
}

static void
test_inventory_default_path (void)
{
  g_autofree char *old = g_strdup (g_getenv ("XDG_STATE_HOME"));
  g_setenv ("XDG_STATE_HOME", "/nonexistent/state", TRUE);
  g_autofree char *p = iot_inventory_default_path ();
  g_assert_cmpstr (p, ==, "/nonexistent/state/iotsetup/devices.ini");
  /* A relative XDG_STATE_HOME is ignored, as the spec says. */
  g_setenv ("XDG_STATE_HOME", "relative/state", TRUE);
  g_autofree char *q = iot_inventory_default_path ();
  g_assert_true (g_path_is_absolute (q));
  g_assert_true (g_str_has_suffix (q, "/.local/state/iotsetup/devices.ini"));
  if (old)
    g_setenv ("XDG_STATE_HOME", old, TRUE);
  else
    g_unsetenv ("XDG_STATE_HOME");
}

static void
test_inventory_hostile (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("iotsetup-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "devices.ini", NULL);
  gint64 now = g_get_real_time ();

  static const char *const hostile[] = {
    "evil]\n[injected]\nfirst_seen=1970-01-01T00:00:00Z\n[x.local",
    "[brackets].local",
    "tab\there#comment;semi=eq.local",
    "ümlaut-日本.local",
    "100%25.local", /* must not collide with the escaped form of "100%.local" */
    "100%.local",
  };
  IotInventory *inv = iot_inventory_new (path);
  g_assert_true (iot_inventory_note (inv, "plain.local", now));
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    g_assert_true (iot_inventory_note (inv, hostile[i], now));
  g_assert_true (iot_inventory_flush (inv, &error));
  g_assert_no_error (error);
  iot_inventory_free (inv);

  /* Still a valid key file, with exactly one group per identity. */
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_assert_true (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  gsize n_groups = 0;
  g_auto (GStrv) groups = g_key_file_get_groups (kf, &n_groups);
  g_assert_cmpuint (n_groups, ==, G_N_ELEMENTS (hostile) + 1);
  g_assert_false (g_key_file_has_group (kf, "injected"));
  g_assert_true (g_key_file_has_group (kf, "plain.local"));
  for (gsize i = 0; i < n_groups; i++)
    {
      g_auto (GStrv) keys = g_key_file_get_keys (kf, groups[i], NULL, NULL);
      g_assert_cmpuint (g_strv_length (keys), ==, 2);
    }

  /* Loading it warns about nothing (warnings are fatal here) and knows all. */
  inv = iot_inventory_new (path);
  g_assert_false (iot_inventory_note (inv, "plain.local", now));
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    g_assert_false (iot_inventory_note (inv, hostile[i], now));
  g_assert_true (iot_inventory_note (inv, "injected", now));
  g_assert_true (iot_inventory_note (inv, "x.local", now));
  iot_inventory_free (inv);

  rm_rf (dir);
}

/* The registry notes resolved hosts in the inventory, hostile ones too. */
static void
test_registry_inventory (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("iotsetup-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "devices.ini", NULL);
  static const char hostile_host[] = "Evil]\n[Group\x1b[2J.local";

  for (guint run = 0; run < 2; run++)
    {
      IotInventory *inv = iot_inventory_new (path);
      IotRegistry *reg = iot_registry_new ();
      iot_registry_set_inventory (reg, inv);
      announce (reg, IOT_FAMILY_IPV4, "Plug", "_http._tcp", "Plug.local", "192.0.2.1", NULL);
      announce (reg, IOT_FAMILY_IPV4, "Evil", "_http._tcp", hostile_host, "192.0.2.2", NULL);
      IotRecordKey k = rkey (2, IOT_FAMILY_IPV4, "Unresolved", "_http._tcp");
      iot_registry_record_found (reg, &k);
      iot_registry_record_failed (reg, &k, "timeout");

      IotDevice *plug = iot_registry_get_device (reg, "plug.local");
      g_autofree char *evil_id = g_ascii_strdown (hostile_host, -1);
      IotDevice *evil = iot_registry_get_device (reg, evil_id);
      g_assert_nonnull (plug);
      g_assert_nonnull (evil);
      /* New on the first run only. */
      g_assert_cmpint (plug->is_new, ==, run == 0);
      g_assert_cmpint (evil->is_new, ==, run == 0);
      /* Unresolved devices are not identities worth remembering. */
      g_assert_false (iot_registry_get_device (reg, "name:Unresolved")->is_new);

      iot_registry_free (reg);
      g_assert_true (iot_inventory_flush (inv, &error));
      g_assert_no_error (error);
      iot_inventory_free (inv);
    }
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_assert_true (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  gsize n_groups = 0;
  g_auto (GStrv) groups = g_key_file_get_groups (kf, &n_groups);
  g_assert_cmpuint (n_groups, ==, 2);
  g_assert_true (g_key_file_has_group (kf, "plug.local"));

  rm_rf (dir);
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/registry/found-is-pending", test_found_is_pending);
  g_test_add_func ("/registry/group-by-host", test_group_by_host);
  g_test_add_func ("/registry/addresses", test_addresses);
  g_test_add_func ("/registry/add-remove", test_remove);
  g_test_add_func ("/registry/listener-counts", test_listener_counts);
  g_test_add_func ("/registry/failed-unresolved", test_failed_unresolved);
  g_test_add_func ("/registry/listener-reads-device", test_listener_reads_device);
  g_test_add_func ("/registry/move-host", test_move_host);
  g_test_add_func ("/registry/stale", test_stale);
  g_test_add_func ("/registry/display-name", test_display_name);
  g_test_add_func ("/registry/kind", test_kind);
  g_test_add_func ("/registry/order", test_order);
  g_test_add_func ("/registry/lookup", test_lookup);
  g_test_add_func ("/registry/lookup-empty", test_lookup_empty);
  g_test_add_func ("/registry/inventory", test_registry_inventory);
  g_test_add_func ("/inventory/new-then-known", test_inventory);
  g_test_add_func ("/inventory/default-path", test_inventory_default_path);
  g_test_add_func ("/inventory/hostile-ids", test_inventory_hostile);
  int ret = g_test_run ();
  g_free (argv);
  return ret;
}
