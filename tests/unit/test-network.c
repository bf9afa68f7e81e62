/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for app/core/iot-network.[ch]: Wi-Fi security from access point
 * flags, bands, the guideline-5 findings; and the model's life cycle against
 * the project's NetworkManager mock (python-dbusmock with
 * tests/nm/nm_template.py) on a private bus: NetworkManager absent, appearing,
 * access points added and removed through the hooks, NetworkManager gone
 * (nothing cached stays) and back (reconnected).
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/iot-hotspot.h"
#include "app/core/iot-network.h"

#include <NetworkManager.h>
#include <gio/gio.h>

static void
test_classify (void)
{
  const struct
  {
    guint32 flags, wpa, rsn;
    IotWifiSecurity want;
    gboolean tkip_only;
  } cases[] = {
    { 0, 0, 0, IOT_WIFI_SEC_OPEN, FALSE },
    { NM_802_11_AP_FLAGS_PRIVACY, 0, 0, IOT_WIFI_SEC_WEP, FALSE },
    { 1, 0x144, 0, IOT_WIFI_SEC_WPA1, TRUE },    /* WPA-PSK TKIP */
    { 1, 0x188, 0, IOT_WIFI_SEC_WPA1, FALSE },   /* WPA-PSK CCMP: still WPA1 */
    { 1, 0, 0x188, IOT_WIFI_SEC_WPA2_PSK, FALSE },
    { 1, 0, 0x144, IOT_WIFI_SEC_WPA2_PSK, TRUE },
    { 1, 0x14c, 0x18c, IOT_WIFI_SEC_WPA2_PSK, FALSE }, /* WPA/WPA2 mixed, TKIP+CCMP */
    { 1, 0, 0x488, IOT_WIFI_SEC_WPA3_SAE, FALSE },
    { 1, 0, 0x588, IOT_WIFI_SEC_WPA2_WPA3, FALSE },
    { 1, 0, 0x288, IOT_WIFI_SEC_ENTERPRISE, FALSE },
    { 1, 0, 0x2088, IOT_WIFI_SEC_ENTERPRISE, FALSE }, /* Suite B 192 */
    { 1, 0x200 | 0x44, 0, IOT_WIFI_SEC_WPA1, TRUE }, /* WPA1 enterprise */
    { 1, 0, 0x888, IOT_WIFI_SEC_OWE, FALSE },
    { 0, 0, 0x1000, IOT_WIFI_SEC_OWE, FALSE }, /* the open side of OWE transition */
    { 1, 0, 0x88, IOT_WIFI_SEC_UNKNOWN, FALSE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean tkip = !cases[i].tkip_only;
      IotWifiSecurity got = iot_wifi_classify (cases[i].flags, cases[i].wpa, cases[i].rsn, &tkip);
      if (got != cases[i].want || tkip != cases[i].tkip_only)
        g_error ("flags %x wpa %x rsn %x: got %s tkip %d, expected %s tkip %d", cases[i].flags,
                 cases[i].wpa, cases[i].rsn, iot_wifi_security_to_string (got), tkip,
                 iot_wifi_security_to_string (cases[i].want), cases[i].tkip_only);
    }
}

static void
test_band (void)
{
  g_assert_cmpint (iot_wifi_band_from_frequency (2412), ==, IOT_WIFI_BAND_2_4);
  g_assert_cmpint (iot_wifi_band_from_frequency (2484), ==, IOT_WIFI_BAND_2_4);
  g_assert_cmpint (iot_wifi_band_from_frequency (5180), ==, IOT_WIFI_BAND_5);
  g_assert_cmpint (iot_wifi_band_from_frequency (5825), ==, IOT_WIFI_BAND_5);
  g_assert_cmpint (iot_wifi_band_from_frequency (5955), ==, IOT_WIFI_BAND_6);
  g_assert_cmpint (iot_wifi_band_from_frequency (7115), ==, IOT_WIFI_BAND_6);
  g_assert_cmpint (iot_wifi_band_from_frequency (0), ==, IOT_WIFI_BAND_UNKNOWN);
  g_assert_cmpint (iot_wifi_band_from_frequency (60480), ==, IOT_WIFI_BAND_UNKNOWN);
  g_assert_cmpstr (iot_wifi_band_label (IOT_WIFI_BAND_5), ==, "5 GHz");
}

static GPtrArray *
findings_of (const char *ssid, IotWifiSecurity security, gboolean tkip_only)
{
  IotAccessPoint ap = { .id = (char *) "/ap/1", .ssid = (char *) ssid, .security = security,
                        .tkip_only = tkip_only };
  return iot_network_findings_for_wifi (&ap);
}

static void
test_findings (void)
{
  const struct
  {
    IotWifiSecurity security;
    gboolean tkip_only;
    const char *want; /* NULL: none */
  } cases[] = {
    { IOT_WIFI_SEC_OPEN, FALSE, "wifi-open" },
    { IOT_WIFI_SEC_WEP, FALSE, "wifi-wep" },
    { IOT_WIFI_SEC_WPA1, TRUE, "wifi-wpa1" },
    { IOT_WIFI_SEC_WPA2_PSK, TRUE, "wifi-tkip" },
    { IOT_WIFI_SEC_WPA2_PSK, FALSE, NULL },
    { IOT_WIFI_SEC_WPA3_SAE, FALSE, NULL },
    { IOT_WIFI_SEC_WPA2_WPA3, FALSE, NULL },
    { IOT_WIFI_SEC_ENTERPRISE, FALSE, NULL },
    { IOT_WIFI_SEC_OWE, FALSE, NULL },
    { IOT_WIFI_SEC_UNKNOWN, FALSE, NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GPtrArray) f = findings_of ("Home", cases[i].security, cases[i].tkip_only);
      if (cases[i].want == NULL)
        {
          g_assert_cmpuint (f->len, ==, 0);
          continue;
        }
      g_assert_cmpuint (f->len, ==, 1);
      IotFinding *one = f->pdata[0];
      g_assert_cmpstr (one->id, ==, cases[i].want);
      g_assert_cmpuint (one->guideline, ==, 5);
      g_assert_cmpstr (one->etsi, ==, "5.5");
      g_assert_nonnull (strstr (one->message, "“Home”"));
      g_assert_true (one->advice != NULL && *one->advice);
    }
  /* A hidden network is named as such, not as “”. */
  g_autoptr (GPtrArray) hidden = findings_of ("", IOT_WIFI_SEC_OPEN, FALSE);
  g_assert_null (strstr (((IotFinding *) hidden->pdata[0])->message, "“”"));
}

/* --- against the mock ---------------------------------------------------------- */

typedef struct
{
  GPtrArray *added, *removed; /* SSIDs, in order */
  guint changes;
} Events;

static void
ev_added (IotNetwork *n, const IotAccessPoint *ap, gpointer data)
{
  g_ptr_array_add (((Events *) data)->added, g_strdup (ap->ssid));
}

static void
ev_removed (IotNetwork *n, const IotAccessPoint *ap, gpointer data)
{
  g_ptr_array_add (((Events *) data)->removed, g_strdup (ap->ssid));
}

static void
ev_changed (IotNetwork *n, gpointer data)
{
  ((Events *) data)->changes++;
}

static gboolean
wait_for (gboolean (*cond) (gpointer), gpointer data, guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

static gboolean
is_no_nm (gpointer n)
{
  return iot_network_get_state (n) == IOT_NETWORK_NO_NM;
}

static gboolean
is_running (gpointer n)
{
  return iot_network_get_state (n) == IOT_NETWORK_RUNNING;
}

static gboolean
is_connected_wifi (gpointer n)
{
  const IotNetworkInfo *info = iot_network_get_info (n);
  return info->connected && info->ap != NULL;
}

typedef struct
{
  Events *ev;
  guint n_added, n_removed;
} Count;

static gboolean
counts_reached (gpointer data)
{
  Count *c = data;
  return c->ev->added->len >= c->n_added && c->ev->removed->len >= c->n_removed;
}

static GSubprocess *
start_mock (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *template = g_build_filename (SRCDIR, "tests", "nm", "nm_template.py", NULL);
  GSubprocess *p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                         G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                     &error, "/usr/bin/python3", "-m", "dbusmock", "--system",
                                     "--template", template, NULL);
  g_assert_no_error (error);
  return p;
}

static void
stop_mock (GSubprocess *p)
{
  g_subprocess_send_signal (p, SIGTERM);
  g_subprocess_wait (p, NULL, NULL);
  g_object_unref (p);
}

static void
mock_call (GDBusConnection *bus, const char *method, GVariant *args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) ret = g_dbus_connection_call_sync (
      bus, "org.freedesktop.NetworkManager", "/org/freedesktop", "org.freedesktop.DBus.Mock",
      method, args, NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
}

static void
test_mock_lifecycle (void)
{
  g_autofree char *daemon = g_find_program_in_path ("dbus-daemon");
  if (daemon == NULL ||
      !g_spawn_command_line_sync ("/usr/bin/python3 -c 'import dbusmock'", NULL, NULL, NULL,
                                  NULL))
    {
      g_test_skip ("needs dbus-daemon and python3-dbusmock");
      return;
    }
  g_autoptr (GTestDBus) tbus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (tbus);
  /* The private bus stands in for the system bus, for the mock and for us. */
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (tbus), TRUE);
  g_autoptr (GError) error = NULL;
  GDBusConnection *bus = g_dbus_connection_new_for_address_sync (
      g_test_dbus_get_bus_address (tbus),
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
          G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  g_assert_no_error (error);

  Events ev = { g_ptr_array_new_with_free_func (g_free),
                g_ptr_array_new_with_free_func (g_free), 0 };
  IotNetwork *n = iot_network_new ();
  const IotNetworkListener funcs = { ev_changed, ev_added, ev_removed };
  iot_network_add_listener (n, &funcs, &ev);
  iot_network_start (n);

  /* No NetworkManager yet. */
  g_assert_true (wait_for (is_no_nm, n, 5000));
  g_assert_nonnull (iot_network_get_error (n));
  g_assert_false (iot_network_get_info (n)->connected);

  /* It appears: connected to Wi-Fi "Home" (WPA2), one more AP in view. */
  GSubprocess *mock = start_mock ();
  g_assert_true (wait_for (is_running, n, 10000));
  mock_call (bus, "AddWifiConnection",
             g_variant_new ("(ssssuyuuusub)", "wlan0", "Home", "Home", "02:11:22:33:44:55", 2437,
                            72, 1, 0, 0x188, "198.51.100.24", 24, TRUE));
  g_assert_true (wait_for (is_connected_wifi, n, 5000));
  const IotNetworkInfo *info = iot_network_get_info (n);
  g_assert_cmpint (info->type, ==, IOT_LINK_WIFI);
  g_assert_true (info->primary);
  g_assert_cmpstr (info->ap->ssid, ==, "Home");
  g_assert_cmpint (info->ap->security, ==, IOT_WIFI_SEC_WPA2_PSK);
  g_assert_false (iot_network_has_finding (n));
  g_autofree char *summary = iot_network_dup_summary (n);
  g_assert_cmpstr (summary, ==, "Wi-Fi “Home” · WPA2");

  Count c = { &ev, 1, 0 };
  g_assert_true (wait_for (counts_reached, &c, 5000));
  g_assert_cmpstr (ev.added->pdata[0], ==, "Home");

  mock_call (bus, "AddAccessPointFlags",
             g_variant_new ("(ssssuyuuu)", "/org/freedesktop/NetworkManager/Devices/wlan0",
                            "setup", "Shelly-Plug-S-1A2B", "02:aa:bb:cc:dd:01", 2412, 60, 0, 0,
                            0));
  c.n_added = 2;
  g_assert_true (wait_for (counts_reached, &c, 5000));
  g_assert_cmpstr (ev.added->pdata[1], ==, "Shelly-Plug-S-1A2B");
  g_autoptr (GPtrArray) aps = iot_network_dup_access_points (n);
  g_assert_cmpuint (aps->len, ==, 2);

  mock_call (bus, "RemoveAccessPoint",
             g_variant_new ("(ss)", "/org/freedesktop/NetworkManager/Devices/wlan0",
                            "/org/freedesktop/NetworkManager/AccessPoint/setup"));
  c.n_removed = 1;
  g_assert_true (wait_for (counts_reached, &c, 5000));
  g_assert_cmpstr (ev.removed->pdata[0], ==, "Shelly-Plug-S-1A2B");

  /* It goes: nothing of its last state stays. */
  stop_mock (mock);
  g_assert_true (wait_for (is_no_nm, n, 5000));
  g_assert_false (iot_network_get_info (n)->connected);
  g_assert_cmpuint (ev.removed->len, ==, 2); /* "Home" went out of view with it */
  g_autoptr (GPtrArray) none = iot_network_dup_access_points (n);
  g_assert_cmpuint (none->len, ==, 0);

  /* It comes back: a new client, the new state. */
  mock = start_mock ();
  g_assert_true (wait_for (is_running, n, 10000));
  mock_call (bus, "AddWifiConnection",
             g_variant_new ("(ssssuyuuusub)", "wlan0", "Cafe", "Cafe", "02:11:22:33:44:77", 5180,
                            40, 0, 0, 0, "198.51.100.26", 24, TRUE));
  g_assert_true (wait_for (is_connected_wifi, n, 5000));
  info = iot_network_get_info (n);
  g_assert_cmpstr (info->ap->ssid, ==, "Cafe");
  g_assert_cmpint (info->ap->band, ==, IOT_WIFI_BAND_5);
  g_assert_true (iot_network_has_finding (n));
  g_assert_cmpstr (((IotFinding *) info->findings->pdata[0])->id, ==, "wifi-open");
  g_assert_cmpuint (ev.changes, >, 4);

  iot_network_free (n);
  stop_mock (mock);
  g_object_unref (bus);
  g_ptr_array_unref (ev.added);
  g_ptr_array_unref (ev.removed);
  g_test_dbus_down (tbus);
}

static IotSetupHotspot *
hotspot_of (const IotProfiles *ps, const char *ssid, IotWifiSecurity security, gboolean active)
{
  g_autoptr (GBytes) raw = g_bytes_new (ssid, strlen (ssid));
  IotAccessPoint ap = { .id = (char *) "/ap/9", .ssid = (char *) ssid, .ssid_raw = raw,
                        .bssid = (char *) "02:00:00:00:00:09", .strength = 61,
                        .security = security, .active = active };
  return iot_setup_hotspot_for_ap (ps, &ap);
}

static void
test_setup_hotspots (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotProfiles) ps = iot_profiles_load_dir (SRCDIR "/data/profiles", &error);
  g_assert_no_error (error);
  const struct
  {
    const char *ssid, *profile;
  } cases[] = {
    { "shellyplus1pm-A8032AB12345", "shelly-gen2" },
    { "shelly1-34945470A1B2", "shelly-gen1" },
    { "tasmota-1A2B3C-4567", "tasmota" },
    { "living-room Fallback Hotspot", "esphome" },
    { "DIRECT-7A-HP OfficeJet 8010", "generic-ipp" },
    { "ESP_1A2B3C", "generic" },
    { "Doorbell-Setup", "generic" },
    { "Home", NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (IotSetupHotspot) h = hotspot_of (ps, cases[i].ssid, IOT_WIFI_SEC_OPEN, FALSE);
      if (cases[i].profile == NULL)
        g_assert_null (h);
      else
        {
          g_assert_nonnull (h);
          g_assert_cmpstr (h->profile->id, ==, cases[i].profile);
          g_assert_cmpuint (h->strength, ==, 61);
          g_assert_true (h->open);
          g_assert_nonnull (h->finding);
          g_assert_cmpstr (h->finding->id, ==, "setup-hotspot-open");
          g_assert_cmpuint (h->finding->guideline, ==, 6);
          g_assert_cmpstr (h->finding->etsi, ==, "5.6");
        }
    }
  g_autoptr (IotSetupHotspot) wpa2 = hotspot_of (ps, "DIRECT-7A-HP OfficeJet 8010",
                                                 IOT_WIFI_SEC_WPA2_PSK, FALSE);
  g_assert_false (wpa2->open);
  g_assert_null (wpa2->finding);
  g_autoptr (IotSetupHotspot) owe = hotspot_of (ps, "ESP_1A2B3C", IOT_WIFI_SEC_OWE, FALSE);
  g_assert_true (owe->open);
  /* The network this machine is on is not a device waiting. */
  g_assert_null (hotspot_of (ps, "ESP_1A2B3C", IOT_WIFI_SEC_OPEN, TRUE));
  g_assert_null (iot_setup_hotspot_for_ap (NULL, &(IotAccessPoint){ .id = (char *) "/x" }));
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/network/classify", test_classify);
  g_test_add_func ("/network/band", test_band);
  g_test_add_func ("/network/findings", test_findings);
  g_test_add_func ("/network/setup-hotspots", test_setup_hotspots);
  g_test_add_func ("/network/mock-lifecycle", test_mock_lifecycle);
  int ret = g_test_run ();
  g_free (argv);
  return ret;
}
