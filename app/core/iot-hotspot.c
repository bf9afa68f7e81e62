/* SPDX-License-Identifier: GPL-3.0-or-later
 * Setup hotspots: matched once when an access point comes into view (the
 * ap_added hook), dropped when it goes (ap_removed); signal and security are
 * refreshed after every rebuild of the network model.
 */
#include "config.h"

#include "iot-hotspot.h"

#include <glib/gi18n.h>

struct _IotHotspots
{
  IotNetwork *network;
  const IotProfiles *profiles;
  guint listener;
  GPtrArray *items; /* IotSetupHotspot*, strongest first */
  IotHotspotsChanged changed;
  gpointer changed_data;
};

void
iot_setup_hotspot_free (IotSetupHotspot *h)
{
  if (h == NULL)
    return;
  g_free (h->ap_id);
  g_free (h->ssid);
  g_free (h->bssid);
  g_free (h->pattern);
  iot_finding_free (h->finding);
  g_free (h);
}

static gboolean
security_open (IotWifiSecurity s)
{
  return s == IOT_WIFI_SEC_OPEN || s == IOT_WIFI_SEC_OWE;
}

static void
update_finding (IotSetupHotspot *h)
{
  g_clear_pointer (&h->finding, iot_finding_free);
  h->open = security_open (h->security);
  if (!h->open)
    return;
  IotFinding *f = g_new0 (IotFinding, 1);
  f->id = "setup-hotspot-open";
  f->guideline = 6;
  f->etsi = "5.6";
  f->result = IOT_FINDING_WARN;
  f->message = g_strdup_printf (_("The setup hotspot “%s” is open: anyone nearby can join "
                                  "it and change the device's settings before you do."),
                                h->ssid);
  f->advice = g_strdup (_("Set the device up soon, so that its hotspot closes, and choose a "
                          "password for it if it offers one. Switch it off and back on if "
                          "the hotspot was already open for a long time."));
  h->finding = f;
}

/**
 * iot_setup_hotspot_for_ap:
 * Returns: (transfer full) (nullable): @ap as a setup hotspot, when its
 * name fits a profile's setup-hotspot pattern.
 */
IotSetupHotspot *
iot_setup_hotspot_for_ap (const IotProfiles *profiles, const IotAccessPoint *ap)
{
  if (profiles == NULL || ap->ssid_raw == NULL || ap->active)
    return NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (ap->ssid_raw, &len);
  g_autoptr (IotProfileMatch) m = iot_profile_match_ssid (profiles, data, len);
  if (m == NULL)
    return NULL;
  IotSetupHotspot *h = g_new0 (IotSetupHotspot, 1);
  h->ap_id = g_strdup (ap->id);
  h->ssid = g_strdup (ap->ssid);
  h->bssid = g_strdup (ap->bssid);
  h->profile = m->profile;
  h->pattern = g_strdup (m->name_pattern);
  h->strength = ap->strength;
  h->security = ap->security;
  update_finding (h);
  return h;
}

static gint
by_strength (gconstpointer a, gconstpointer b)
{
  const IotSetupHotspot *x = *(IotSetupHotspot *const *) a, *y = *(IotSetupHotspot *const *) b;
  if (x->strength != y->strength)
    return x->strength > y->strength ? -1 : 1;
  return g_strcmp0 (x->ssid, y->ssid);
}

static int
find (IotHotspots *hs, const char *ap_id)
{
  for (guint i = 0; i < hs->items->len; i++)
    if (g_str_equal (((IotSetupHotspot *) hs->items->pdata[i])->ap_id, ap_id))
      return (int) i;
  return -1;
}

static void
ap_added_cb (IotNetwork *network, const IotAccessPoint *ap, gpointer data)
{
  IotHotspots *hs = data;
  if (find (hs, ap->id) >= 0)
    return;
  IotSetupHotspot *h = iot_setup_hotspot_for_ap (hs->profiles, ap);
  if (h != NULL)
    g_ptr_array_add (hs->items, h);
}

static void
ap_removed_cb (IotNetwork *network, const IotAccessPoint *ap, gpointer data)
{
  IotHotspots *hs = data;
  int i = find (hs, ap->id);
  if (i >= 0)
    g_ptr_array_remove_index (hs->items, (guint) i);
}

static void
changed_cb (IotNetwork *network, gpointer data)
{
  IotHotspots *hs = data;
  /* Signal and security change in place; joining a hotspot makes it the
   * connection, not a device waiting, until it is left again. */
  g_autoptr (GPtrArray) aps = iot_network_dup_access_points (network);
  for (guint i = 0; i < aps->len; i++)
    {
      const IotAccessPoint *ap = aps->pdata[i];
      int k = find (hs, ap->id);
      if (k < 0)
        {
          /* A hotspot this machine was on (and so not waiting) once it is left. */
          ap_added_cb (network, ap, hs);
          continue;
        }
      IotSetupHotspot *h = hs->items->pdata[k];
      if (ap->active)
        {
          g_ptr_array_remove_index (hs->items, (guint) k);
          continue;
        }
      h->strength = ap->strength;
      if (h->security != ap->security)
        {
          h->security = ap->security;
          update_finding (h);
        }
    }
  if (iot_network_get_state (network) != IOT_NETWORK_RUNNING)
    g_ptr_array_set_size (hs->items, 0);
  g_ptr_array_sort (hs->items, by_strength);
  if (hs->changed)
    hs->changed (hs, hs->changed_data);
}

/**
 * iot_hotspots_new:
 * @profiles: (nullable): must outlive the result
 *
 * Starts following @network's access points (before or after it starts).
 */
IotHotspots *
iot_hotspots_new (IotNetwork *network, const IotProfiles *profiles)
{
  IotHotspots *hs = g_new0 (IotHotspots, 1);
  hs->network = network;
  hs->profiles = profiles;
  hs->items = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_setup_hotspot_free);
  g_autoptr (GPtrArray) aps = iot_network_dup_access_points (network);
  for (guint i = 0; i < aps->len; i++)
    ap_added_cb (network, aps->pdata[i], hs);
  g_ptr_array_sort (hs->items, by_strength);
  const IotNetworkListener funcs = {
    .changed = changed_cb, .ap_added = ap_added_cb, .ap_removed = ap_removed_cb
  };
  hs->listener = iot_network_add_listener (network, &funcs, hs);
  return hs;
}

void
iot_hotspots_free (IotHotspots *hs)
{
  if (hs == NULL)
    return;
  iot_network_remove_listener (hs->network, hs->listener);
  g_ptr_array_unref (hs->items);
  g_free (hs);
}

/* @func is called after every change of the network model. */
void
iot_hotspots_set_changed (IotHotspots *hs, IotHotspotsChanged func, gpointer user_data)
{
  hs->changed = func;
  hs->changed_data = user_data;
}

const GPtrArray *
iot_hotspots_get (IotHotspots *hs)
{
  return hs->items;
}

/* Returns: (transfer full): the "setup_hotspots" array of iotsetup.network/1. */
JsonNode *
iot_hotspots_to_json (IotHotspots *hs)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < hs->items->len; i++)
    {
      const IotSetupHotspot *h = hs->items->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ssid");
      json_builder_add_string_value (b, h->ssid);
      json_builder_set_member_name (b, "bssid");
      json_builder_add_string_value (b, h->bssid);
      json_builder_set_member_name (b, "profile");
      json_builder_add_string_value (b, h->profile->id);
      json_builder_set_member_name (b, "family");
      json_builder_add_string_value (b, h->profile->family);
      json_builder_set_member_name (b, "pattern");
      json_builder_add_string_value (b, h->pattern);
      json_builder_set_member_name (b, "signal");
      json_builder_add_int_value (b, h->strength);
      json_builder_set_member_name (b, "security");
      json_builder_add_string_value (b, iot_wifi_security_to_string (h->security));
      json_builder_set_member_name (b, "open");
      json_builder_add_boolean_value (b, h->open);
      json_builder_set_member_name (b, "finding");
      if (h->finding == NULL)
        json_builder_add_null_value (b);
      else
        {
          const IotFinding *f = h->finding;
          iot_finding_to_json (f, b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}
