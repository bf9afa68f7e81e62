/* SPDX-License-Identifier: GPL-3.0-or-later
 * Session wiring: builds the registry, the optional inventory, discovery and
 * the network context
 * from a configuration, and tears them down in the reverse order.
 */
#include "config.h"

#include "iot-session.h"

#include <string.h>

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
  s->check_notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  s->records = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) iot_setup_record_free);
  return s;
}

void
iot_session_free (IotSession *s)
{
  if (s == NULL)
    return;
  iot_password_setup_free (s->password);
  g_clear_pointer (&s->observed, g_hash_table_unref);
  g_clear_pointer (&s->http, iot_http_free);
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
  g_clear_pointer (&s->check_notes, g_hash_table_unref);
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

/* Returns: (nullable): the answers and last result kept for @device_id. */
IotCheckNotes *
iot_session_get_check_notes (IotSession *s, const char *device_id, gboolean create)
{
  g_return_val_if_fail (device_id != NULL, NULL);
  IotCheckNotes *n = g_hash_table_lookup (s->check_notes, device_id);
  if (n == NULL && create)
    {
      n = g_new0 (IotCheckNotes, 1);
      g_hash_table_insert (s->check_notes, g_strdup (device_id), n);
    }
  return n;
}

IotHttp *
iot_session_get_http (IotSession *s)
{
  if (s->http == NULL)
    s->http = iot_http_new ();
  return s->http;
}

void
iot_session_add_result (IotSession *s, const char *device_id, IotCheckResult *result)
{
  g_return_if_fail (device_id != NULL && result != NULL);
  if (s->observed == NULL)
    s->observed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  GPtrArray *list = g_hash_table_lookup (s->observed, device_id);
  if (list == NULL)
    {
      list = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_check_result_free);
      g_hash_table_insert (s->observed, g_strdup (device_id), list);
    }
  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (((IotCheckResult *) list->pdata[i])->check_id, result->check_id) == 0)
      {
        g_ptr_array_remove_index (list, i);
        break;
      }
  g_ptr_array_add (list, result);
}

GPtrArray *
iot_session_get_results (IotSession *s, const char *device_id)
{
  return s->observed != NULL && device_id != NULL ? g_hash_table_lookup (s->observed, device_id) : NULL;
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

/* Moves @table's entry under @old_id to @new_id (keys are g_strdup'ed). */
static void
move_entry (GHashTable *table, const char *old_id, const char *new_id)
{
  gpointer key = NULL, value = NULL;
  if (table == NULL || !g_hash_table_steal_extended (table, old_id, &key, &value))
    return;
  g_free (key);
  g_hash_table_replace (table, g_strdup (new_id), value);
}

void
iot_session_follow_device (IotSession *s, const char *new_id)
{
  g_return_if_fail (new_id != NULL);
  if (s->selected_id == NULL || strcmp (s->selected_id, new_id) == 0)
    return;
  g_autofree char *old_id = g_steal_pointer (&s->selected_id);
  s->selected_id = g_strdup (new_id);
  move_entry (s->observed, old_id, new_id);
  move_entry (s->check_notes, old_id, new_id);
  /* A record's key is its own device_id. */
  IotSetupRecord *r = g_hash_table_lookup (s->records, old_id);
  if (r != NULL)
    {
      g_hash_table_steal (s->records, old_id);
      g_free (r->device_id);
      r->device_id = g_strdup (new_id);
      g_hash_table_replace (s->records, r->device_id, r);
    }
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
