/* SPDX-License-Identifier: GPL-3.0-or-later
 * Session wiring: builds the registry, the optional inventory, discovery and
 * the network context
 * from a configuration, and tears them down in the reverse order.
 */
#include "config.h"

#include "iot-session.h"

/**
 * iot_session_new:
 * @config: (transfer full)
 */
IotSession *
iot_session_new (IotConfig *config, const IotDiscoveryCallbacks *callbacks, gpointer user_data)
{
  IotSession *s = g_new0 (IotSession, 1);
  s->config = config;
  s->registry = iot_registry_new ();
  if (config->remember_devices)
    {
      g_autofree char *path = iot_inventory_default_path ();
      s->inventory = iot_inventory_new (path);
      iot_registry_set_inventory (s->registry, s->inventory);
    }
  s->discovery = iot_discovery_new (s->registry, config, callbacks, user_data);
  s->network = iot_network_new ();
  g_autofree char *dir = iot_profiles_default_dir ();
  g_autoptr (GError) error = NULL;
  s->profiles = iot_profiles_load_dir (dir, &error);
  if (s->profiles == NULL)
    g_debug ("Device profiles: %s", error->message);
  s->hotspots = iot_hotspots_new (s->network, s->profiles);
  s->records = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) iot_setup_record_free);
  return s;
}

void
iot_session_free (IotSession *s)
{
  if (s == NULL)
    return;
  iot_password_setup_free (s->password);
  iot_secret_free (s->credential);
  g_hash_table_unref (s->records);
  iot_hotspots_free (s->hotspots);
  iot_network_free (s->network);
  iot_profiles_free (s->profiles);
  iot_discovery_free (s->discovery);
  iot_registry_free (s->registry);
  iot_inventory_free (s->inventory);
  iot_config_free (s->config);
  g_free (s->selected_id);
  g_free (s->hotspot_id);
  g_free (s);
}

void
iot_session_select (IotSession *s, const char *device_id)
{
  if (g_strcmp0 (s->selected_id, device_id) != 0)
    g_clear_pointer (&s->credential, iot_secret_free);
  g_free (s->selected_id);
  s->selected_id = g_strdup (device_id);
}

/* Returns: (nullable): the selected device, if it is still there. */
IotDevice *
iot_session_get_selected (IotSession *s)
{
  return s->selected_id ? iot_registry_get_device (s->registry, s->selected_id) : NULL;
}

IotSetupRecord *
iot_session_get_record (IotSession *s, const char *device_id)
{
  IotSetupRecord *r = g_hash_table_lookup (s->records, device_id);
  if (r == NULL)
    {
      r = iot_setup_record_new (device_id);
      g_hash_table_insert (s->records, r->device_id, r);
    }
  return r;
}

const IotSetupRecord *
iot_session_lookup_record (IotSession *s, const char *device_id)
{
  return device_id ? g_hash_table_lookup (s->records, device_id) : NULL;
}

void
iot_session_clear_setup (IotSession *s)
{
  g_clear_pointer (&s->credential, iot_secret_free);
  g_hash_table_remove_all (s->records);
  s->full_setup = FALSE;
}
