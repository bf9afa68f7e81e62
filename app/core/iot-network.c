/* SPDX-License-Identifier: GPL-3.0-or-later
 * Network context through NetworkManager. Ownership and lifetime: we open a
 * system bus connection of our own (so a dying bus never takes the process
 * with it, which libnm's shared connection would), watch NetworkManager's
 * name on it, and create an NMClient asynchronously each time the name gets
 * an owner; when the owner goes, the client is dropped at once (libnm would
 * keep its last state cached). Every libnm notification schedules one
 * coalesced rebuild of a plain snapshot that the UI, the CLI and JSON read.
 * Every async step is cancellable and bounded by a timeout.
 */
#include "config.h"

#include "iot-network.h"

#include "iot-qr.h"
#include "iot-sanitize.h"
#include "iot-width.h"

#include <NetworkManager.h>
#include <glib/gi18n.h>
#include <string.h>

#define INIT_TIMEOUT_S 10 /* bus connection or NMClient creation */
#define RETRY_S 5         /* no bus: try again this often */
#define SSID_TITLE_CELLS 24

typedef struct
{
  guint id;
  IotNetworkListener funcs;
  gpointer user_data;
} Listener;

typedef struct
{
  GObject *object;
  gulong handler;
} Handler;

struct _IotNetwork
{
  IotNetworkState state;
  char *error;
  gboolean started;

  GCancellable *cancellable; /* the pending bus connection or client creation */
  guint timeout_source;
  guint retry_source;
  GDBusConnection *bus;
  gulong closed_handler;
  guint watch_id;
  gboolean nm_on_bus;
  NMClient *client;
  gulong client_handler;
  char *version;

  guint rebuild_source;
  GArray *handlers; /* Handler: per-object notifications of the last rebuild */
  IotNetworkInfo info;
  GPtrArray *aps; /* IotAccessPoint* */

  GTask *join; /* the hotspot joined, with the way back; NULL when none */
  guint away;  /* joins and returns under way, and the hotspot joined */
  gboolean return_retried; /* the last way back took a second try */
  GArray *listeners; /* Listener */
  guint next_listener_id;
};

static void network_connect_bus (IotNetwork *n);
static void network_create_client (IotNetwork *n);
static void rebuild (IotNetwork *n);
static void schedule_rebuild (IotNetwork *n);

/* --- pure helpers ---------------------------------------------------------- */

/**
 * iot_wifi_classify:
 * @flags: NM80211ApFlags
 * @wpa_flags: NM80211ApSecurityFlags of the WPA (version 1) element
 * @rsn_flags: NM80211ApSecurityFlags of the RSN (WPA2/WPA3) element
 * @tkip_only: (out) (optional): set when no pairwise cipher is better than TKIP
 *
 * Classifies an access point's security the way a person would name it.
 */
IotWifiSecurity
iot_wifi_classify (guint32 flags, guint32 wpa_flags, guint32 rsn_flags, gboolean *tkip_only)
{
  guint32 pair = (wpa_flags | rsn_flags) &
                 (NM_802_11_AP_SEC_PAIR_TKIP | NM_802_11_AP_SEC_PAIR_CCMP);
  if (tkip_only)
    *tkip_only = (pair & NM_802_11_AP_SEC_PAIR_TKIP) && !(pair & NM_802_11_AP_SEC_PAIR_CCMP);

  if (wpa_flags == 0 && rsn_flags == 0)
    return (flags & NM_802_11_AP_FLAGS_PRIVACY) ? IOT_WIFI_SEC_WEP : IOT_WIFI_SEC_OPEN;
  if (rsn_flags & (NM_802_11_AP_SEC_KEY_MGMT_802_1X | NM_802_11_AP_SEC_KEY_MGMT_EAP_SUITE_B_192))
    return IOT_WIFI_SEC_ENTERPRISE;
  if (rsn_flags == 0)
    /* Only a WPA element: the original WPA, whatever the key management. */
    return IOT_WIFI_SEC_WPA1;
  if ((rsn_flags & NM_802_11_AP_SEC_KEY_MGMT_SAE) && (rsn_flags & NM_802_11_AP_SEC_KEY_MGMT_PSK))
    return IOT_WIFI_SEC_WPA2_WPA3;
  if (rsn_flags & NM_802_11_AP_SEC_KEY_MGMT_SAE)
    return IOT_WIFI_SEC_WPA3_SAE;
  if (rsn_flags & (NM_802_11_AP_SEC_KEY_MGMT_OWE | NM_802_11_AP_SEC_KEY_MGMT_OWE_TM))
    return IOT_WIFI_SEC_OWE;
  if (rsn_flags & NM_802_11_AP_SEC_KEY_MGMT_PSK)
    return IOT_WIFI_SEC_WPA2_PSK;
  return IOT_WIFI_SEC_UNKNOWN;
}

IotWifiBand
iot_wifi_band_from_frequency (guint mhz)
{
  if (mhz >= 2400 && mhz < 2500)
    return IOT_WIFI_BAND_2_4;
  if (mhz >= 5925 && mhz <= 7125)
    return IOT_WIFI_BAND_6;
  if (mhz >= 4900 && mhz < 5925)
    return IOT_WIFI_BAND_5;
  return IOT_WIFI_BAND_UNKNOWN;
}

/* The stable names used in JSON. */
const char *
iot_wifi_security_to_string (IotWifiSecurity s)
{
  switch (s)
    {
    case IOT_WIFI_SEC_OPEN: return "open";
    case IOT_WIFI_SEC_OWE: return "owe";
    case IOT_WIFI_SEC_WEP: return "wep";
    case IOT_WIFI_SEC_WPA1: return "wpa1";
    case IOT_WIFI_SEC_WPA2_PSK: return "wpa2-psk";
    case IOT_WIFI_SEC_WPA3_SAE: return "wpa3-sae";
    case IOT_WIFI_SEC_WPA2_WPA3: return "wpa2-wpa3";
    case IOT_WIFI_SEC_ENTERPRISE: return "enterprise";
    case IOT_WIFI_SEC_UNKNOWN: break;
    }
  return "unknown";
}

/* A short label for people (translated where it is a word). */
const char *
iot_wifi_security_label (IotWifiSecurity s)
{
  switch (s)
    {
    /* Translators: Wi-Fi security of a network without a password. */
    case IOT_WIFI_SEC_OPEN: return _("Open");
    case IOT_WIFI_SEC_OWE: return "OWE";
    case IOT_WIFI_SEC_WEP: return "WEP";
    case IOT_WIFI_SEC_WPA1: return "WPA";
    case IOT_WIFI_SEC_WPA2_PSK: return "WPA2";
    case IOT_WIFI_SEC_WPA3_SAE: return "WPA3";
    case IOT_WIFI_SEC_WPA2_WPA3: return "WPA2/WPA3";
    /* Translators: Wi-Fi security with a login per person (802.1X), as at work. */
    case IOT_WIFI_SEC_ENTERPRISE: return _("Enterprise (802.1X)");
    case IOT_WIFI_SEC_UNKNOWN: break;
    }
  return _("unknown security");
}

const char *
iot_wifi_band_label (IotWifiBand band)
{
  switch (band)
    {
    case IOT_WIFI_BAND_2_4: return "2.4 GHz";
    case IOT_WIFI_BAND_5: return "5 GHz";
    case IOT_WIFI_BAND_6: return "6 GHz";
    case IOT_WIFI_BAND_UNKNOWN: break;
    }
  return NULL;
}

static const char *
band_to_string (IotWifiBand band)
{
  switch (band)
    {
    case IOT_WIFI_BAND_2_4: return "2.4";
    case IOT_WIFI_BAND_5: return "5";
    case IOT_WIFI_BAND_6: return "6";
    case IOT_WIFI_BAND_UNKNOWN: break;
    }
  return NULL;
}

void
iot_finding_free (IotFinding *f)
{
  if (f == NULL)
    return;
  g_free (f->message);
  g_free (f->advice);
  g_free (f);
}

static void
add_finding (GPtrArray *out, const char *id, char *message, const char *advice)
{
  IotFinding *f = g_new0 (IotFinding, 1);
  f->id = id;
  f->guideline = 5;
  f->etsi = "5.5";
  f->result = IOT_FINDING_FAIL;
  f->message = message;
  f->advice = g_strdup (advice);
  g_ptr_array_add (out, f);
}

/**
 * iot_network_findings_for_wifi:
 * Returns: (transfer full): IotFinding* for the home network @ap belongs to:
 * open, WEP, WPA (1) and TKIP-only networks do not protect what devices send
 * (guideline 5, "Communicate securely").
 */
GPtrArray *
iot_network_findings_for_wifi (const IotAccessPoint *ap)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_finding_free);
  if (ap == NULL)
    return out;
  const char *name = *ap->ssid ? ap->ssid : _("(hidden network)");
  const char *upgrade = _("In your router's settings, turn on WPA2 or WPA3 security with a "
                          "strong Wi-Fi password before you set up new devices. Then "
                          "reconnect your other devices with the new password.");
  switch (ap->security)
    {
    case IOT_WIFI_SEC_OPEN:
      add_finding (out, "wifi-open",
                   g_strdup_printf (_("The Wi-Fi network “%s” is open: anyone nearby can join "
                                      "it and see what your devices send."),
                                    name),
                   upgrade);
      break;
    case IOT_WIFI_SEC_WEP:
      add_finding (out, "wifi-wep",
                   g_strdup_printf (_("The Wi-Fi network “%s” uses WEP, an old kind of "
                                      "security that can be broken in minutes."),
                                    name),
                   upgrade);
      break;
    case IOT_WIFI_SEC_WPA1:
      add_finding (out, "wifi-wpa1",
                   g_strdup_printf (_("The Wi-Fi network “%s” uses the first version of WPA, "
                                      "which is outdated and can be attacked."),
                                    name),
                   upgrade);
      break;
    default:
      if (ap->tkip_only)
        add_finding (out, "wifi-tkip",
                     g_strdup_printf (_("The Wi-Fi network “%s” only offers TKIP encryption, "
                                        "which is outdated and weak."),
                                      name),
                     _("In your router's Wi-Fi settings, choose AES (also called CCMP) "
                       "encryption, with WPA2 or WPA3."));
      break;
    }
  return out;
}

IotAccessPoint *
iot_access_point_copy (const IotAccessPoint *ap)
{
  IotAccessPoint *c = g_new0 (IotAccessPoint, 1);
  *c = *ap;
  c->id = g_strdup (ap->id);
  c->ssid = g_strdup (ap->ssid);
  c->ssid_raw = ap->ssid_raw ? g_bytes_ref (ap->ssid_raw) : NULL;
  c->bssid = g_strdup (ap->bssid);
  return c;
}

void
iot_access_point_free (IotAccessPoint *ap)
{
  if (ap == NULL)
    return;
  g_free (ap->id);
  g_free (ap->ssid);
  g_clear_pointer (&ap->ssid_raw, g_bytes_unref);
  g_free (ap->bssid);
  g_free (ap);
}

/* --- the snapshot ------------------------------------------------------------ */

static void
info_clear (IotNetworkInfo *info)
{
  g_clear_pointer (&info->id, g_free);
  g_clear_pointer (&info->nm_type, g_free);
  g_clear_pointer (&info->interface, g_free);
  g_clear_pointer (&info->ipv4, g_ptr_array_unref);
  g_clear_pointer (&info->ipv6, g_ptr_array_unref);
  g_clear_pointer (&info->ap, iot_access_point_free);
  g_clear_pointer (&info->findings, g_ptr_array_unref);
  memset (info, 0, sizeof *info);
  info->ipv4 = g_ptr_array_new_with_free_func (g_free);
  info->ipv6 = g_ptr_array_new_with_free_func (g_free);
  info->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_finding_free);
}

static void
watch (IotNetwork *n, gpointer object)
{
  if (object == NULL)
    return;
  /* Any property change of an object the snapshot was built from. */
  Handler h = { g_object_ref (object), 0 };
  h.handler = g_signal_connect_swapped (object, "notify", G_CALLBACK (schedule_rebuild), n);
  g_array_append_val (n->handlers, h);
}

static void
unwatch_all (IotNetwork *n)
{
  for (guint i = 0; i < n->handlers->len; i++)
    {
      Handler *h = &g_array_index (n->handlers, Handler, i);
      g_signal_handler_disconnect (h->object, h->handler);
      g_object_unref (h->object);
    }
  g_array_set_size (n->handlers, 0);
}

static IotAccessPoint *
ap_from_nm (NMAccessPoint *nap, gboolean active)
{
  IotAccessPoint *ap = g_new0 (IotAccessPoint, 1);
  ap->id = g_strdup (nm_object_get_path (NM_OBJECT (nap)));
  GBytes *ssid = nm_access_point_get_ssid (nap);
  if (ssid != NULL)
    {
      gsize len;
      const char *data = g_bytes_get_data (ssid, &len);
      ap->ssid_raw = g_bytes_ref (ssid);
      /* An SSID is up to 32 arbitrary bytes: hostile until sanitized. */
      ap->ssid = iot_sanitize_text (data ? data : "", (gssize) MIN (len, 32), 128);
    }
  else
    ap->ssid = g_strdup ("");
  ap->bssid = iot_sanitize_text (nm_access_point_get_bssid (nap) ?: "", -1, 64);
  ap->frequency = nm_access_point_get_frequency (nap);
  ap->band = iot_wifi_band_from_frequency (ap->frequency);
  ap->strength = MIN (nm_access_point_get_strength (nap), 100);
  ap->security = iot_wifi_classify (nm_access_point_get_flags (nap),
                                    nm_access_point_get_wpa_flags (nap),
                                    nm_access_point_get_rsn_flags (nap), &ap->tkip_only);
  ap->active = active;
  return ap;
}

static void
add_addresses (GPtrArray *out, NMIPConfig *config)
{
  if (config == NULL)
    return;
  GPtrArray *addrs = nm_ip_config_get_addresses (config);
  for (guint i = 0; addrs && i < addrs->len; i++)
    {
      NMIPAddress *a = addrs->pdata[i];
      g_ptr_array_add (out, g_strdup_printf ("%s/%u", nm_ip_address_get_address (a),
                                             nm_ip_address_get_prefix (a)));
    }
}

/* The connection the machine talks through: NetworkManager's primary one,
 * else (no default route, as on a static home lab network) the first
 * activated connection of a real link. */
static NMActiveConnection *
pick_connection (NMClient *client, gboolean *primary)
{
  NMActiveConnection *ac = nm_client_get_primary_connection (client);
  *primary = ac != NULL && nm_active_connection_get_state (ac) == NM_ACTIVE_CONNECTION_STATE_ACTIVATED;
  if (*primary)
    return ac;
  const GPtrArray *acs = nm_client_get_active_connections (client);
  for (guint i = 0; acs && i < acs->len; i++)
    {
      NMActiveConnection *c = acs->pdata[i];
      const char *type = nm_active_connection_get_connection_type (c);
      if (nm_active_connection_get_state (c) == NM_ACTIVE_CONNECTION_STATE_ACTIVATED &&
          g_strcmp0 (type, "loopback") != 0)
        return c;
    }
  return NULL;
}

static void
build_connection (IotNetwork *n, IotNetworkInfo *info)
{
  NMActiveConnection *ac = pick_connection (n->client, &info->primary);
  if (ac == NULL)
    return;
  watch (n, ac);
  info->connected = TRUE;
  info->id = iot_sanitize_text (nm_active_connection_get_id (ac) ?: "", -1, 256);
  info->nm_type = g_strdup (nm_active_connection_get_connection_type (ac));
  const GPtrArray *devs = nm_active_connection_get_devices (ac);
  NMDevice *dev = devs && devs->len > 0 ? devs->pdata[0] : NULL;
  if (g_strcmp0 (info->nm_type, NM_SETTING_WIRED_SETTING_NAME) == 0 || NM_IS_DEVICE_ETHERNET (dev))
    info->type = IOT_LINK_WIRED;
  else if (g_strcmp0 (info->nm_type, NM_SETTING_WIRELESS_SETTING_NAME) == 0 ||
           NM_IS_DEVICE_WIFI (dev))
    info->type = IOT_LINK_WIFI;
  else
    info->type = IOT_LINK_OTHER;

  NMIPConfig *ip4 = nm_active_connection_get_ip4_config (ac);
  NMIPConfig *ip6 = nm_active_connection_get_ip6_config (ac);
  if (dev != NULL)
    {
      watch (n, dev);
      info->interface = g_strdup (nm_device_get_ip_iface (dev) ?: nm_device_get_iface (dev));
      if (info->interface == NULL || !*info->interface)
        {
          g_free (info->interface);
          info->interface = g_strdup (nm_device_get_iface (dev));
        }
      if (ip4 == NULL)
        ip4 = nm_device_get_ip4_config (dev);
      if (ip6 == NULL)
        ip6 = nm_device_get_ip6_config (dev);
    }
  watch (n, ip4);
  watch (n, ip6);
  add_addresses (info->ipv4, ip4);
  add_addresses (info->ipv6, ip6);

  if (info->type == IOT_LINK_WIFI && NM_IS_DEVICE_WIFI (dev))
    {
      NMAccessPoint *nap = nm_device_wifi_get_active_access_point (NM_DEVICE_WIFI (dev));
      if (nap == NULL)
        {
          /* The active connection names its access point too. */
          const char *path = nm_active_connection_get_specific_object_path (ac);
          const GPtrArray *aps = nm_device_wifi_get_access_points (NM_DEVICE_WIFI (dev));
          for (guint i = 0; path && aps && i < aps->len; i++)
            if (g_strcmp0 (nm_object_get_path (aps->pdata[i]), path) == 0)
              nap = aps->pdata[i];
        }
      if (nap != NULL)
        {
          info->ap = ap_from_nm (nap, TRUE);
          g_ptr_array_unref (info->findings);
          info->findings = iot_network_findings_for_wifi (info->ap);
        }
    }
}

static void
build_access_points (IotNetwork *n, GPtrArray *out)
{
  const GPtrArray *devs = nm_client_get_devices (n->client);
  for (guint i = 0; devs && i < devs->len; i++)
    {
      if (!NM_IS_DEVICE_WIFI (devs->pdata[i]))
        continue;
      NMDeviceWifi *wifi = devs->pdata[i];
      watch (n, wifi);
      NMAccessPoint *active = nm_device_wifi_get_active_access_point (wifi);
      const GPtrArray *aps = nm_device_wifi_get_access_points (wifi);
      for (guint j = 0; aps && j < aps->len; j++)
        {
          watch (n, aps->pdata[j]);
          g_ptr_array_add (out, ap_from_nm (aps->pdata[j], aps->pdata[j] == active));
        }
    }
}

static gboolean
ap_in (GPtrArray *aps, const IotAccessPoint *ap)
{
  for (guint i = 0; i < aps->len; i++)
    if (g_str_equal (((IotAccessPoint *) aps->pdata[i])->id, ap->id))
      return TRUE;
  return FALSE;
}

static void
notify_listeners (IotNetwork *n, GPtrArray *old_aps)
{
  /* A copy: a listener may remove itself. */
  g_autoptr (GArray) ls = g_array_copy (n->listeners);
  for (guint i = 0; i < ls->len; i++)
    {
      Listener *l = &g_array_index (ls, Listener, i);
      for (guint j = 0; l->funcs.ap_removed && old_aps && j < old_aps->len; j++)
        if (!ap_in (n->aps, old_aps->pdata[j]))
          l->funcs.ap_removed (n, old_aps->pdata[j], l->user_data);
      for (guint j = 0; l->funcs.ap_added && j < n->aps->len; j++)
        if (old_aps == NULL || !ap_in (old_aps, n->aps->pdata[j]))
          l->funcs.ap_added (n, n->aps->pdata[j], l->user_data);
      if (l->funcs.changed)
        l->funcs.changed (n, l->user_data);
    }
}

static void
rebuild (IotNetwork *n)
{
  g_clear_handle_id (&n->rebuild_source, g_source_remove);
  unwatch_all (n);
  info_clear (&n->info);
  g_autoptr (GPtrArray) old_aps = g_steal_pointer (&n->aps);
  n->aps = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_access_point_free);
  if (n->state == IOT_NETWORK_RUNNING && n->client != NULL)
    {
      build_connection (n, &n->info);
      build_access_points (n, n->aps);
    }
  notify_listeners (n, old_aps);
}

static gboolean
rebuild_cb (gpointer data)
{
  IotNetwork *n = data;
  n->rebuild_source = 0;
  rebuild (n);
  return G_SOURCE_REMOVE;
}

static void
schedule_rebuild (IotNetwork *n)
{
  if (n->rebuild_source == 0)
    n->rebuild_source = g_idle_add (rebuild_cb, n);
}

/* --- connection handling ------------------------------------------------------ */

static void
set_state (IotNetwork *n, IotNetworkState state, const char *error)
{
  g_free (n->error);
  n->error = g_strdup (error);
  n->state = state;
  rebuild (n);
}

static void
cancel_pending (IotNetwork *n)
{
  g_clear_handle_id (&n->timeout_source, g_source_remove);
  if (n->cancellable)
    g_cancellable_cancel (n->cancellable);
  g_clear_object (&n->cancellable);
}

static void
drop_client (IotNetwork *n)
{
  unwatch_all (n);
  if (n->client != NULL)
    {
      g_clear_signal_handler (&n->client_handler, n->client);
      g_clear_object (&n->client);
    }
  g_clear_pointer (&n->version, g_free);
}

static void
drop_bus (IotNetwork *n)
{
  cancel_pending (n);
  drop_client (n);
  if (n->watch_id)
    {
      g_bus_unwatch_name (n->watch_id);
      n->watch_id = 0;
    }
  if (n->bus != NULL)
    {
      g_clear_signal_handler (&n->closed_handler, n->bus);
      g_clear_object (&n->bus);
    }
  n->nm_on_bus = FALSE;
}

static gboolean
retry_cb (gpointer data)
{
  IotNetwork *n = data;
  n->retry_source = 0;
  if (n->bus == NULL)
    network_connect_bus (n);
  else if (n->nm_on_bus && n->client == NULL)
    network_create_client (n);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (IotNetwork *n)
{
  if (n->retry_source == 0)
    n->retry_source = g_timeout_add_seconds (RETRY_S, retry_cb, n);
}

/* NetworkManager cannot be used now, for @why; try again later. */
static void
retry_later (IotNetwork *n, const char *why)
{
  set_state (n, IOT_NETWORK_NO_NM, why);
  schedule_retry (n);
}

static gboolean
timeout_cb (gpointer data)
{
  IotNetwork *n = data;
  n->timeout_source = 0;
  cancel_pending (n);
  g_autofree char *msg =
      g_strdup_printf (_("NetworkManager did not answer within %d seconds."), INIT_TIMEOUT_S);
  retry_later (n, msg);
  return G_SOURCE_REMOVE;
}

static void
start_pending (IotNetwork *n)
{
  cancel_pending (n);
  n->cancellable = g_cancellable_new ();
  n->timeout_source = g_timeout_add_seconds (INIT_TIMEOUT_S, timeout_cb, n);
}

/* The pending step answered: its time limit and cancellable go. */
static void
end_pending (IotNetwork *n)
{
  g_clear_handle_id (&n->timeout_source, g_source_remove);
  g_clear_object (&n->cancellable);
}

static void
bus_unreachable (IotNetwork *n, const GError *error)
{
  g_autofree char *msg = g_strdup_printf (_("Cannot reach the D-Bus system bus: %s"), error->message);
  retry_later (n, msg);
}

static void
client_ready_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  GObject *obj = g_async_initable_new_finish (G_ASYNC_INITABLE (source), res, &error);
  if (obj == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* dropped: the network object may already be gone */
  IotNetwork *n = data;
  end_pending (n);
  if (obj == NULL)
    {
      g_autofree char *msg =
          g_strdup_printf (_("Cannot talk to NetworkManager: %s"), error->message);
      retry_later (n, msg);
      return;
    }
  n->client = NM_CLIENT (obj);
  n->version = g_strdup (nm_client_get_version (n->client));
  n->client_handler = g_signal_connect_swapped (n->client, "notify",
                                                G_CALLBACK (schedule_rebuild), n);
  set_state (n, IOT_NETWORK_RUNNING, NULL);
}

static void
network_create_client (IotNetwork *n)
{
  drop_client (n);
  start_pending (n);
  /* nm_client_new_async() with our own bus connection: the same async
   * initialisation on this thread's main context. */
  g_async_initable_new_async (NM_TYPE_CLIENT, G_PRIORITY_DEFAULT, n->cancellable,
                              client_ready_cb, n, NM_CLIENT_DBUS_CONNECTION, n->bus, NULL);
}

static void
nm_appeared_cb (GDBusConnection *bus, const char *name, const char *owner, gpointer data)
{
  IotNetwork *n = data;
  n->nm_on_bus = TRUE;
  if (n->state != IOT_NETWORK_STARTING)
    set_state (n, IOT_NETWORK_STARTING, NULL);
  network_create_client (n);
}

static void
nm_vanished_cb (GDBusConnection *bus, const char *name, gpointer data)
{
  IotNetwork *n = data;
  n->nm_on_bus = FALSE;
  cancel_pending (n);
  drop_client (n);
  /* Stays on its own: the watch reports when it comes back. */
  set_state (n, IOT_NETWORK_NO_NM, _("NetworkManager is not running."));
}

static void
bus_closed_cb (GDBusConnection *bus, gboolean remote_peer_vanished, GError *error, gpointer data)
{
  IotNetwork *n = data;
  drop_bus (n);
  retry_later (n, _("The D-Bus system bus went away."));
}

static void
bus_ready_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  GDBusConnection *bus = g_dbus_connection_new_for_address_finish (res, &error);
  if (bus == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  IotNetwork *n = data;
  end_pending (n);
  if (bus == NULL)
    {
      bus_unreachable (n, error);
      return;
    }
  n->bus = bus;
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  n->closed_handler = g_signal_connect (bus, "closed", G_CALLBACK (bus_closed_cb), n);
  n->watch_id = g_bus_watch_name_on_connection (bus, NM_DBUS_SERVICE,
                                                G_BUS_NAME_WATCHER_FLAGS_NONE, nm_appeared_cb,
                                                nm_vanished_cb, n, NULL);
}

static void
network_connect_bus (IotNetwork *n)
{
  g_autoptr (GError) error = NULL;
  /* Reads DBUS_SYSTEM_BUS_ADDRESS or the well-known path; no I/O. */
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  if (address == NULL)
    {
      bus_unreachable (n, error);
      return;
    }
  start_pending (n);
  g_dbus_connection_new_for_address (address,
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                         G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                     NULL, n->cancellable, bus_ready_cb, n);
}

/* --- public API -------------------------------------------------------------- */

IotNetwork *
iot_network_new (void)
{
  IotNetwork *n = g_new0 (IotNetwork, 1);
  n->state = IOT_NETWORK_STARTING;
  n->handlers = g_array_new (FALSE, FALSE, sizeof (Handler));
  n->listeners = g_array_new (FALSE, FALSE, sizeof (Listener));
  n->aps = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_access_point_free);
  info_clear (&n->info);
  return n;
}

/* Starts watching; the first answer comes through the listeners. */
void
iot_network_start (IotNetwork *n)
{
  g_return_if_fail (n != NULL && !n->started);
  n->started = TRUE;
  network_connect_bus (n);
}

void
iot_network_free (IotNetwork *n)
{
  if (n == NULL)
    return;
  g_clear_handle_id (&n->retry_source, g_source_remove);
  g_clear_handle_id (&n->rebuild_source, g_source_remove);
  g_clear_object (&n->join);
  drop_bus (n);
  info_clear (&n->info);
  g_clear_pointer (&n->info.ipv4, g_ptr_array_unref);
  g_clear_pointer (&n->info.ipv6, g_ptr_array_unref);
  g_clear_pointer (&n->info.findings, g_ptr_array_unref);
  g_ptr_array_unref (n->aps);
  g_array_unref (n->handlers);
  g_array_unref (n->listeners);
  g_free (n->error);
  g_free (n);
}

guint
iot_network_add_listener (IotNetwork *n, const IotNetworkListener *funcs, gpointer user_data)
{
  Listener l = { ++n->next_listener_id, *funcs, user_data };
  g_array_append_val (n->listeners, l);
  return l.id;
}

void
iot_network_remove_listener (IotNetwork *n, guint id)
{
  for (guint i = 0; i < n->listeners->len; i++)
    if (g_array_index (n->listeners, Listener, i).id == id)
      {
        g_array_remove_index (n->listeners, i);
        return;
      }
}

IotNetworkState
iot_network_get_state (IotNetwork *n)
{
  return n->state;
}

/* Returns: (nullable): why there is no NetworkManager, translated. */
const char *
iot_network_get_error (IotNetwork *n)
{
  return n->error;
}

const char *
iot_network_get_nm_version (IotNetwork *n)
{
  return n->version;
}

const IotNetworkInfo *
iot_network_get_info (IotNetwork *n)
{
  return &n->info;
}

/* Returns: (transfer full): copies of the visible access points. */
GPtrArray *
iot_network_dup_access_points (IotNetwork *n)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_access_point_free);
  for (guint i = 0; i < n->aps->len; i++)
    g_ptr_array_add (out, iot_access_point_copy (n->aps->pdata[i]));
  return out;
}

static void
scan_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  /* Refused scans (too soon after the last, no permission) change nothing. */
  if (!nm_device_wifi_request_scan_finish (NM_DEVICE_WIFI (source), res, &error))
    g_debug ("Wi-Fi scan request: %s", error->message);
}

/* Asks every Wi-Fi device for a fresh scan; results arrive as ap_added. */
void
iot_network_request_scan (IotNetwork *n)
{
  if (n->client == NULL || n->state != IOT_NETWORK_RUNNING)
    return;
  const GPtrArray *devs = nm_client_get_devices (n->client);
  for (guint i = 0; devs && i < devs->len; i++)
    if (NM_IS_DEVICE_WIFI (devs->pdata[i]))
      nm_device_wifi_request_scan_async (devs->pdata[i], n->cancellable, scan_done_cb, NULL);
}

/* --- the Wi-Fi join code ------------------------------------------------------- */

typedef struct
{
  char *type; /* WIFI: scheme type */
  char *ssid;
  gboolean hidden;
  guint wep_index;
} WifiQr;

static void
wifi_qr_free (WifiQr *q)
{
  g_free (q->type);
  g_free (q->ssid);
  g_free (q);
}

/* Best effort at not leaving the secret in freed memory: the serialized
 * variant is ours alone once libnm has handed it over. */
static void
variant_wipe_unref (GVariant *v)
{
  if (v == NULL)
    return;
  gsize size = g_variant_get_size (v);
  gpointer data = (gpointer) g_variant_get_data (v);
  if (data != NULL && size > 0 && g_variant_is_normal_form (v))
    explicit_bzero (data, size);
  g_variant_unref (v);
}

static void
wifi_secrets_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GTask) task = data;
  WifiQr *q = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  GVariant *secrets = nm_remote_connection_get_secrets_finish (NM_REMOTE_CONNECTION (source),
                                                               res, &error);
  if (secrets == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else if (g_error_matches (error, NM_SETTINGS_ERROR, NM_SETTINGS_ERROR_PERMISSION_DENIED) ||
               g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
               g_error_matches (error, NM_SECRET_AGENT_ERROR,
                                NM_SECRET_AGENT_ERROR_PERMISSION_DENIED))
        g_task_return_new_error (
            task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "%s",
            _("NetworkManager did not allow this program to read the Wi-Fi password "
              "(permission denied). Run iotsetup as an administrator, or as the user who "
              "saved the network."));
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                                 _("NetworkManager could not give out the Wi-Fi password: %s"),
                                 error->message);
      return;
    }
  const char *key = NULL;
  char wep_key[16];
  g_snprintf (wep_key, sizeof wep_key, "wep-key%u", q->wep_index);
  GVariant *sec = g_variant_lookup_value (secrets, NM_SETTING_WIRELESS_SECURITY_SETTING_NAME,
                                          G_VARIANT_TYPE_VARDICT);
  GVariant *value = NULL;
  if (sec != NULL)
    value = g_variant_lookup_value (sec, g_str_equal (q->type, "WEP") ? wep_key : "psk",
                                    G_VARIANT_TYPE_STRING);
  if (value != NULL)
    key = g_variant_get_string (value, NULL);
  char *text = NULL;
  if (key != NULL && *key)
    text = iot_wifi_qr_text (q->type, q->ssid, key, q->hidden);
  g_clear_pointer (&value, g_variant_unref);
  g_clear_pointer (&sec, g_variant_unref);
  variant_wipe_unref (secrets);
  if (text == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s",
                             _("NetworkManager has no saved password for this Wi-Fi network "
                               "(it may be kept in your desktop's keyring instead)."));
  else
    g_task_return_pointer (task, text, (GDestroyNotify) iot_str_wipe_free);
}

/**
 * iot_network_wifi_qr_async:
 *
 * Reads the saved connection of the current Wi-Fi network and, unless it
 * is open, asks NetworkManager for its secret (GetSecrets on the
 * "802-11-wireless-security" setting). Nothing is cached or written.
 */
void
iot_network_wifi_qr_async (IotNetwork *n, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, iot_network_wifi_qr_async);
  if (n->client == NULL || n->state != IOT_NETWORK_RUNNING)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "%s",
                               _("NetworkManager is not available."));
      return;
    }
  gboolean primary;
  NMActiveConnection *ac = pick_connection (n->client, &primary);
  NMRemoteConnection *remote = ac ? nm_active_connection_get_connection (ac) : NULL;
  NMSettingWireless *s_wifi =
      remote ? nm_connection_get_setting_wireless (NM_CONNECTION (remote)) : NULL;
  GBytes *ssid = s_wifi ? nm_setting_wireless_get_ssid (s_wifi) : NULL;
  if (ssid == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "%s",
                               _("This computer is not connected to a Wi-Fi network."));
      return;
    }
  gsize len;
  const char *data = g_bytes_get_data (ssid, &len);
  if (len == 0 || len > 32 || !g_utf8_validate (data, (gssize) len, NULL) ||
      memchr (data, 0, len) != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                               _("This Wi-Fi network's name is not text a phone can read "
                                 "from a QR code."));
      return;
    }
  WifiQr *q = g_new0 (WifiQr, 1);
  q->ssid = g_strndup (data, len);
  q->hidden = nm_setting_wireless_get_hidden (s_wifi);
  g_task_set_task_data (task, q, (GDestroyNotify) wifi_qr_free);

  NMSettingWirelessSecurity *s_sec =
      nm_connection_get_setting_wireless_security (NM_CONNECTION (remote));
  const char *mgmt = s_sec ? nm_setting_wireless_security_get_key_mgmt (s_sec) : NULL;
  if (mgmt == NULL || g_str_equal (mgmt, "owe"))
    {
      q->type = g_strdup ("nopass");
      g_task_return_pointer (task, iot_wifi_qr_text ("nopass", q->ssid, NULL, q->hidden),
                             (GDestroyNotify) iot_str_wipe_free);
      return;
    }
  if (g_str_equal (mgmt, "wpa-psk"))
    q->type = g_strdup ("WPA");
  else if (g_str_equal (mgmt, "sae"))
    q->type = g_strdup ("SAE");
  else if (g_str_equal (mgmt, "none"))
    {
      q->type = g_strdup ("WEP");
      q->wep_index = nm_setting_wireless_security_get_wep_tx_keyidx (s_sec);
    }
  else
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s",
                               _("This Wi-Fi network has a login per person (802.1X), not "
                                 "one password to share in a QR code."));
      return;
    }
  nm_remote_connection_get_secrets_async (remote, NM_SETTING_WIRELESS_SECURITY_SETTING_NAME,
                                          cancellable, wifi_secrets_cb,
                                          g_steal_pointer (&task));
}

/* Returns: (transfer full): free with iot_str_wipe_free(). */
char *
iot_network_wifi_qr_finish (IotNetwork *n, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- joining a setup hotspot, and back ----------------------------------------- */

typedef struct
{
  IotNetwork *n;
  char *ap_path;
  char *dev_path;
  char *prev_conn;     /* the saved connection to come back to, or NULL */
  char *prev_dev;
  char *prev_specific;
  char *prev_name;     /* the previous connection's name, sanitized, for messages */
  char *added_conn;    /* the temporary connection of the hotspot */
  NMActiveConnection *ac;
  gulong state_handler;
  gulong ap_handler;
  NMDeviceWifi *dev;
  guint timeout_id;
  guint timeout_s;
  GError *failure; /* why the join failed, reported after coming back */
  gboolean done;   /* succeeded or going back: late answers only clean up */
  gboolean retried; /* the previous connection was activated a second time */
  GSource *cancel_source; /* the caller's cancellable, while joining */
} Join;

static Join *
join_new (IotNetwork *n)
{
  Join *j = g_new0 (Join, 1);
  j->n = n;
  n->away++;
  return j;
}

static void
join_free (Join *j)
{
  j->n->away--;
  g_clear_handle_id (&j->timeout_id, g_source_remove);
  if (j->cancel_source)
    g_source_destroy (j->cancel_source);
  g_clear_pointer (&j->cancel_source, g_source_unref);
  if (j->ac)
    g_clear_signal_handler (&j->state_handler, j->ac);
  if (j->dev)
    g_clear_signal_handler (&j->ap_handler, j->dev);
  g_clear_object (&j->ac);
  g_clear_object (&j->dev);
  g_free (j->ap_path);
  g_free (j->dev_path);
  g_free (j->prev_conn);
  g_free (j->prev_dev);
  g_free (j->prev_specific);
  g_free (j->prev_name);
  g_free (j->added_conn);
  g_clear_error (&j->failure);
  g_free (j);
}

static void
join_disconnect (Join *j)
{
  g_clear_handle_id (&j->timeout_id, g_source_remove);
  if (j->cancel_source)
    g_source_destroy (j->cancel_source);
  g_clear_pointer (&j->cancel_source, g_source_unref);
  if (j->ac)
    g_clear_signal_handler (&j->state_handler, j->ac);
  if (j->dev)
    g_clear_signal_handler (&j->ap_handler, j->dev);
}

static void join_activate_prev (GTask *task);

static gboolean
retry_prev_cb (gpointer data)
{
  join_activate_prev (data);
  return G_SOURCE_REMOVE;
}

static void
back_activated_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  GTask *task = data;
  Join *j = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (NMActiveConnection) ac = nm_client_activate_connection_finish (NM_CLIENT (source),
                                                                           res, &error);
  if (ac == NULL && !j->retried && j->n->client != NULL)
    {
      /* Never leave the machine without its network: one more try, after
       * NetworkManager has had a moment to finish tearing the hotspot down. */
      j->retried = TRUE;
      g_debug ("Going back to the previous network: %s; trying again", error->message);
      g_timeout_add_seconds (1, retry_prev_cb, task);
      return;
    }
  j->n->return_retried = j->retried && ac != NULL;
  if (ac == NULL)
    {
      g_autofree char *back = g_strdup_printf (
          _("This computer could not go back to its network “%s”, even on a second try (%s). "
            "Choose that network in this computer's network settings."),
          j->prev_name ? j->prev_name : "", error->message);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "%s%s%s",
                               j->failure ? j->failure->message : "", j->failure ? " " : "",
                               back);
    }
  else if (j->failure)
    g_task_return_error (task, g_steal_pointer (&j->failure));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
deleted_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  if (!nm_remote_connection_delete_finish (NM_REMOTE_CONNECTION (source), res, &error))
    g_debug ("Deleting the hotspot's connection: %s", error->message);
}

static void
deactivated_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  if (!nm_client_deactivate_connection_finish (NM_CLIENT (source), res, &error))
    g_debug ("Leaving the hotspot: %s", error->message);
}

/* Leaves the hotspot (its temporary connection is deleted, which also
 * deactivates it) and activates the previous connection again; the task
 * then returns j->failure, or TRUE. */
static void
join_go_back (GTask *task)
{
  Join *j = g_task_get_task_data (task);
  IotNetwork *n = j->n;
  j->done = TRUE;
  join_disconnect (j);
  if (n->client == NULL)
    {
      if (j->failure)
        g_task_return_error (task, g_steal_pointer (&j->failure));
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "%s",
                                 _("NetworkManager is not available."));
      g_object_unref (task);
      return;
    }
  if (j->ac && nm_active_connection_get_state (j->ac) < NM_ACTIVE_CONNECTION_STATE_DEACTIVATING)
    nm_client_deactivate_connection_async (n->client, j->ac, NULL, deactivated_cb, NULL);
  if (j->added_conn)
    {
      NMRemoteConnection *c = nm_client_get_connection_by_path (n->client, j->added_conn);
      if (c)
        nm_remote_connection_delete_async (c, NULL, deleted_cb, NULL);
    }
  join_activate_prev (task);
}

/* Activates the connection the machine was on before the join. */
static void
join_activate_prev (GTask *task)
{
  Join *j = g_task_get_task_data (task);
  IotNetwork *n = j->n;
  NMRemoteConnection *prev = j->prev_conn && n->client
                                 ? nm_client_get_connection_by_path (n->client, j->prev_conn)
                                 : NULL;
  NMDevice *dev = j->prev_dev && n->client ? nm_client_get_device_by_path (n->client, j->prev_dev)
                                           : NULL;
  if (prev == NULL && j->retried)
    {
      /* NetworkManager went away between the two tries. */
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "%s%s%s",
                               j->failure ? j->failure->message : "", j->failure ? " " : "",
                               _("NetworkManager is not available."));
      g_object_unref (task);
      return;
    }
  if (prev == NULL)
    {
      if (j->failure)
        g_task_return_error (task, g_steal_pointer (&j->failure));
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  nm_client_activate_connection_async (n->client, NM_CONNECTION (prev), dev,
                                       j->prev_specific, NULL, back_activated_cb, task);
}

static void
join_fail (GTask *task, GError *error)
{
  Join *j = g_task_get_task_data (task);
  if (j->failure == NULL)
    j->failure = error;
  else
    g_error_free (error);
  join_go_back (task);
}

static void
join_state_cb (NMActiveConnection *ac, guint state, guint reason, gpointer data)
{
  GTask *task = data;
  Join *j = g_task_get_task_data (task);
  if (j->done)
    return;
  if (state == NM_ACTIVE_CONNECTION_STATE_ACTIVATED)
    {
      j->done = TRUE;
      join_disconnect (j);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
  else if (state == NM_ACTIVE_CONNECTION_STATE_DEACTIVATED)
    {
      if (reason == NM_ACTIVE_CONNECTION_STATE_REASON_NO_SECRETS ||
          reason == NM_ACTIVE_CONNECTION_STATE_REASON_LOGIN_FAILED)
        join_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                              _("The device's hotspot did not accept the "
                                                "password.")));
      else
        join_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                              _("Could not connect to the device's hotspot.")));
    }
}

static gboolean
join_timeout_cb (gpointer data)
{
  GTask *task = data;
  Join *j = g_task_get_task_data (task);
  j->timeout_id = 0;
  join_fail (task, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                _("The device's hotspot did not answer in time (%u s)."),
                                j->timeout_s));
  return G_SOURCE_REMOVE;
}

static void
join_ap_removed_cb (NMDeviceWifi *dev, NMAccessPoint *ap, gpointer data)
{
  GTask *task = data;
  Join *j = g_task_get_task_data (task);
  if (g_strcmp0 (nm_object_get_path (NM_OBJECT (ap)), j->ap_path) == 0)
    join_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                          _("The device's hotspot went out of range.")));
}

static void
join_added_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GTask) task = data; /* this call's own reference */
  Join *j = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  NMActiveConnection *ac = nm_client_add_and_activate_connection_finish (NM_CLIENT (source),
                                                                         res, &error);
  if (j->done)
    {
      /* Timed out or the hotspot went first: remove what came late. */
      NMRemoteConnection *c = ac ? nm_active_connection_get_connection (ac) : NULL;
      if (c && j->n->client)
        nm_remote_connection_delete_async (c, NULL, deleted_cb, NULL);
      g_clear_object (&ac);
      return;
    }
  if (ac == NULL)
    {
      join_fail (task, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                    _("NetworkManager could not join the hotspot: %s"),
                                    error->message));
      return;
    }
  j->ac = ac;
  NMRemoteConnection *c = nm_active_connection_get_connection (ac);
  if (c)
    j->added_conn = g_strdup (nm_object_get_path (NM_OBJECT (c)));
  j->state_handler = g_signal_connect (ac, "state-changed", G_CALLBACK (join_state_cb), task);
  /* join_state_cb may end the task: keep it alive to the end of this call. */
  guint state = nm_active_connection_get_state (ac);
  if (state == NM_ACTIVE_CONNECTION_STATE_ACTIVATED || state == NM_ACTIVE_CONNECTION_STATE_DEACTIVATED)
    join_state_cb (ac, state, nm_active_connection_get_state_reason (ac), task);
}

/**
 * iot_network_join_async:
 * @ap_id: the access point's id (IotAccessPoint.id)
 * @password: (nullable): NULL for an open hotspot
 * @timeout_s: how long the hotspot gets to accept us
 * @cancellable: (nullable): cancelling goes back, then reports CANCELLED
 *
 * Joins a setup hotspot with a temporary connection. On failure (wrong
 * password, timeout, the hotspot vanishing) the previous connection is
 * activated again before the error is reported. After success,
 * iot_network_leave_async() goes back.
 */
static gboolean
join_cancelled_cb (GCancellable *cancellable, gpointer data)
{
  GTask *task = data;
  Join *j = g_task_get_task_data (task);
  if (!j->done)
    join_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                          _("Joining the device's hotspot was cancelled.")));
  return G_SOURCE_REMOVE;
}

void
iot_network_join_async (IotNetwork *n, const char *ap_id, const char *password, guint timeout_s,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  if (n->client == NULL || n->state != IOT_NETWORK_RUNNING || n->join != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "%s",
                               n->join ? _("Already on a device's hotspot.")
                                       : _("NetworkManager is not available."));
      g_object_unref (task);
      return;
    }
  NMDeviceWifi *dev = NULL;
  NMAccessPoint *nap = NULL;
  const GPtrArray *devs = nm_client_get_devices (n->client);
  for (guint i = 0; devs && i < devs->len && nap == NULL; i++)
    if (NM_IS_DEVICE_WIFI (devs->pdata[i]))
      {
        dev = devs->pdata[i];
        const GPtrArray *aps = nm_device_wifi_get_access_points (dev);
        for (guint k = 0; aps && k < aps->len; k++)
          if (g_strcmp0 (nm_object_get_path (aps->pdata[k]), ap_id) == 0)
            nap = aps->pdata[k];
      }
  if (nap == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s",
                               _("The device's hotspot went out of range."));
      g_object_unref (task);
      return;
    }
  Join *j = join_new (n);
  j->ap_path = g_strdup (ap_id);
  j->dev = g_object_ref (dev);
  j->dev_path = g_strdup (nm_object_get_path (NM_OBJECT (dev)));
  j->timeout_s = timeout_s;
  g_task_set_task_data (task, j, (GDestroyNotify) join_free);

  gboolean primary;
  NMActiveConnection *prev = pick_connection (n->client, &primary);
  NMRemoteConnection *prev_conn = prev ? nm_active_connection_get_connection (prev) : NULL;
  if (prev_conn)
    {
      const GPtrArray *pdevs = nm_active_connection_get_devices (prev);
      j->prev_conn = g_strdup (nm_object_get_path (NM_OBJECT (prev_conn)));
      j->prev_dev = pdevs && pdevs->len ? g_strdup (nm_object_get_path (pdevs->pdata[0])) : NULL;
      j->prev_specific = g_strdup (nm_active_connection_get_specific_object_path (prev));
      const char *name = nm_connection_get_id (NM_CONNECTION (prev_conn));
      j->prev_name = iot_sanitize_text (name ? name : "", -1, 64);
    }

  GBytes *ssid = nm_access_point_get_ssid (nap);
  gsize len = 0;
  const char *ssid_data = ssid ? g_bytes_get_data (ssid, &len) : "";
  g_autofree char *ssid_text = iot_sanitize_text (ssid_data ? ssid_data : "", (gssize) len, 64);
  g_autofree char *id = g_strdup_printf ("iotsetup: %s", ssid_text);
  g_autofree char *uuid = nm_utils_uuid_generate ();
  NMConnection *conn = nm_simple_connection_new ();
  NMSetting *s_con = nm_setting_connection_new ();
  g_object_set (s_con, NM_SETTING_CONNECTION_ID, id, NM_SETTING_CONNECTION_UUID, uuid,
                NM_SETTING_CONNECTION_TYPE, NM_SETTING_WIRELESS_SETTING_NAME,
                NM_SETTING_CONNECTION_AUTOCONNECT, FALSE, NULL);
  nm_connection_add_setting (conn, s_con);
  NMSetting *s_wifi = nm_setting_wireless_new ();
  g_object_set (s_wifi, NM_SETTING_WIRELESS_SSID, ssid, NM_SETTING_WIRELESS_MODE,
                NM_SETTING_WIRELESS_MODE_INFRA, NULL);
  nm_connection_add_setting (conn, s_wifi);
  if (password != NULL)
    {
      guint32 rsn = nm_access_point_get_rsn_flags (nap);
      gboolean sae_only = (rsn & NM_802_11_AP_SEC_KEY_MGMT_SAE) && !(rsn & NM_802_11_AP_SEC_KEY_MGMT_PSK);
      NMSetting *s_sec = nm_setting_wireless_security_new ();
      g_object_set (s_sec, NM_SETTING_WIRELESS_SECURITY_KEY_MGMT, sae_only ? "sae" : "wpa-psk",
                    NM_SETTING_WIRELESS_SECURITY_PSK, password, NULL);
      nm_connection_add_setting (conn, s_sec);
    }
  j->ap_handler = g_signal_connect (dev, "access-point-removed",
                                    G_CALLBACK (join_ap_removed_cb), task);
  j->timeout_id = g_timeout_add_seconds (timeout_s, join_timeout_cb, task);
  if (cancellable)
    {
      /* A source, not a signal handler: the handler could not disconnect itself. */
      j->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (j->cancel_source, G_SOURCE_FUNC (join_cancelled_cb), task, NULL);
      g_source_attach (j->cancel_source, NULL);
    }
  nm_client_add_and_activate_connection_async (n->client, conn, NM_DEVICE (dev), ap_id, NULL,
                                               join_added_cb, g_object_ref (task));
  g_object_unref (conn);
}

gboolean
iot_network_join_finish (IotNetwork *n, GAsyncResult *result, GError **error)
{
  GTask *task = G_TASK (result);
  gboolean ok = g_task_propagate_boolean (task, error);
  if (ok)
    /* Kept for the way back. */
    n->join = g_task_get_task_data (task) ? g_object_ref (task) : NULL;
  return ok;
}

/* Leaves the hotspot joined by iot_network_join_async() and reactivates the
 * connection the machine was on before. */
void
iot_network_leave_async (IotNetwork *n, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  if (n->join == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  Join *old = g_task_get_task_data (n->join);
  Join *j = join_new (n);
  j->prev_name = g_steal_pointer (&old->prev_name);
  j->prev_conn = g_steal_pointer (&old->prev_conn);
  j->prev_dev = g_steal_pointer (&old->prev_dev);
  j->prev_specific = g_steal_pointer (&old->prev_specific);
  j->added_conn = g_steal_pointer (&old->added_conn);
  j->ac = g_steal_pointer (&old->ac);
  g_task_set_task_data (task, j, (GDestroyNotify) join_free);
  g_clear_object (&n->join);
  join_go_back (task);
}

gboolean
iot_network_leave_finish (IotNetwork *n, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* TRUE while this machine is joining a hotspot, on one, or going back: the
 * owner must wait for the way back before it exits. */
gboolean
iot_network_is_away (IotNetwork *n)
{
  return n->away > 0;
}

/* TRUE when the last way back worked only on its second try. */
gboolean
iot_network_return_was_retried (IotNetwork *n)
{
  return n->return_retried;
}

/* Returns: (transfer full) (nullable): the IPv4 gateway of the hotspot
 * joined (the device itself, as a rule), checked to be an address. */
char *
iot_network_dup_join_gateway (IotNetwork *n)
{
  Join *j = n->join ? g_task_get_task_data (n->join) : NULL;
  NMIPConfig *ip4 = j && j->ac ? nm_active_connection_get_ip4_config (j->ac) : NULL;
  const char *gw = ip4 ? nm_ip_config_get_gateway (ip4) : NULL;
  g_autoptr (GInetAddress) addr = gw ? g_inet_address_new_from_string (gw) : NULL;
  if (addr == NULL || g_inet_address_get_family (addr) != G_SOCKET_FAMILY_IPV4)
    return NULL;
  return g_inet_address_to_string (addr);
}

gboolean
iot_network_has_finding (IotNetwork *n)
{
  return n->info.findings->len > 0;
}

/* Returns: (transfer full): one short line for a title bar, e.g.
 * "Wi-Fi “Home” · WPA2", "Wired", "No NetworkManager". */
char *
iot_network_dup_summary (IotNetwork *n)
{
  const IotNetworkInfo *info = &n->info;
  switch (n->state)
    {
    case IOT_NETWORK_STARTING:
      return g_strdup (_("Checking the network…"));
    case IOT_NETWORK_NO_NM:
      return g_strdup (_("No NetworkManager"));
    case IOT_NETWORK_RUNNING:
      break;
    }
  if (!info->connected)
    return g_strdup (_("Not connected"));
  switch (info->type)
    {
    case IOT_LINK_WIRED:
      return g_strdup (_("Wired"));
    case IOT_LINK_WIFI:
      {
        const char *ssid = info->ap && *info->ap->ssid ? info->ap->ssid : info->id;
        g_autofree char *shown = iot_width_truncate (ssid, SSID_TITLE_CELLS);
        if (info->ap == NULL)
          return g_strdup_printf (_("Wi-Fi “%s”"), shown);
        /* Translators: the network line in the title bar: Wi-Fi name and security. */
        return g_strdup_printf (_("Wi-Fi “%s” · %s"), shown,
                                iot_wifi_security_label (info->ap->security));
      }
    default:
      {
        g_autofree char *shown = iot_width_truncate (info->id, SSID_TITLE_CELLS);
        return g_strdup_printf (_("Network “%s”"), shown);
      }
    }
}

static const char *
link_type_to_string (IotLinkType t)
{
  switch (t)
    {
    case IOT_LINK_WIRED: return "wired";
    case IOT_LINK_WIFI: return "wifi";
    case IOT_LINK_OTHER: return "other";
    case IOT_LINK_NONE: break;
    }
  return "none";
}

static void
ap_to_json (JsonBuilder *b, const IotAccessPoint *ap)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ssid");
  json_builder_add_string_value (b, ap->ssid);
  json_builder_set_member_name (b, "bssid");
  json_builder_add_string_value (b, ap->bssid);
  json_builder_set_member_name (b, "frequency");
  json_builder_add_int_value (b, ap->frequency);
  json_builder_set_member_name (b, "band");
  if (band_to_string (ap->band))
    json_builder_add_string_value (b, band_to_string (ap->band));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "signal");
  json_builder_add_int_value (b, ap->strength);
  json_builder_set_member_name (b, "security");
  json_builder_add_string_value (b, iot_wifi_security_to_string (ap->security));
  json_builder_set_member_name (b, "tkip_only");
  json_builder_add_boolean_value (b, ap->tkip_only);
  json_builder_set_member_name (b, "active");
  json_builder_add_boolean_value (b, ap->active);
  json_builder_end_object (b);
}

static void
strings_to_json (JsonBuilder *b, GPtrArray *strings)
{
  json_builder_begin_array (b);
  for (guint i = 0; i < strings->len; i++)
    json_builder_add_string_value (b, strings->pdata[i]);
  json_builder_end_array (b);
}

/* Returns: (transfer full): the snapshot as schema "iotsetup.network/1". */
/* Adds @f as one object of the documented finding schema to @b (shared by
 * the network's findings and the setup hotspots'). */
void
iot_finding_to_json (const IotFinding *f, JsonBuilder *b)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, f->id);
  json_builder_set_member_name (b, "guideline");
  json_builder_add_int_value (b, f->guideline);
  json_builder_set_member_name (b, "etsi");
  json_builder_add_string_value (b, f->etsi);
  json_builder_set_member_name (b, "result");
  json_builder_add_string_value (b, f->result == IOT_FINDING_FAIL ? "fail" : "warn");
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, f->message);
  json_builder_set_member_name (b, "advice");
  json_builder_add_string_value (b, f->advice);
  json_builder_end_object (b);
}

JsonNode *
iot_network_to_json (IotNetwork *n)
{
  const IotNetworkInfo *info = &n->info;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "schema");
  json_builder_add_string_value (b, IOT_NETWORK_SCHEMA);

  json_builder_set_member_name (b, "networkmanager");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "running");
  json_builder_add_boolean_value (b, n->state == IOT_NETWORK_RUNNING);
  json_builder_set_member_name (b, "version");
  if (n->version)
    json_builder_add_string_value (b, n->version);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "error");
  if (n->error)
    json_builder_add_string_value (b, n->error);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "connected");
  json_builder_add_boolean_value (b, info->connected);
  json_builder_set_member_name (b, "connection");
  if (!info->connected)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, info->id);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, link_type_to_string (info->type));
      json_builder_set_member_name (b, "nm_type");
      json_builder_add_string_value (b, info->nm_type);
      json_builder_set_member_name (b, "interface");
      if (info->interface)
        json_builder_add_string_value (b, info->interface);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "primary");
      json_builder_add_boolean_value (b, info->primary);
      json_builder_set_member_name (b, "ipv4");
      strings_to_json (b, info->ipv4);
      json_builder_set_member_name (b, "ipv6");
      strings_to_json (b, info->ipv6);
      json_builder_set_member_name (b, "wifi");
      if (info->ap)
        ap_to_json (b, info->ap);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }

  json_builder_set_member_name (b, "findings");
  json_builder_begin_array (b);
  for (guint i = 0; i < info->findings->len; i++)
    {
      const IotFinding *f = info->findings->pdata[i];
      iot_finding_to_json (f, b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "access_points");
  json_builder_begin_array (b);
  for (guint i = 0; i < n->aps->len; i++)
    ap_to_json (b, n->aps->pdata[i]);
  json_builder_end_array (b);

  json_builder_end_object (b);
  return json_builder_get_root (b);
}
