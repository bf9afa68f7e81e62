/* SPDX-License-Identifier: GPL-3.0-or-later
 * Inventory of known devices: a GKeyFile with one group per device identity
 * (first-seen and last-seen dates). Loaded once; written atomically and at
 * most once a second, from the main loop, so discovery never waits on disk.
 */
#include "config.h"

#include "iot-inventory.h"

#include <errno.h>
#include <glib/gstdio.h>

#define INVENTORY_MAX_DEVICES 4096

struct _IotInventory
{
  char *path;
  GKeyFile *file;
  GHashTable *new_this_run; /* ids first seen by this process */
  guint save_source;
};

/* Returns: (transfer full): $XDG_STATE_HOME/iotsetup/devices.ini */
char *
iot_inventory_default_path (void)
{
  const char *state = g_getenv ("XDG_STATE_HOME");
  if (state != NULL && g_path_is_absolute (state))
    return g_build_filename (state, "iotsetup", "devices.ini", NULL);
  return g_build_filename (g_get_home_dir (), ".local", "state", "iotsetup", "devices.ini",
                           NULL);
}

IotInventory *
iot_inventory_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);
  IotInventory *inv = g_new0 (IotInventory, 1);
  inv->path = g_strdup (path);
  inv->file = g_key_file_new ();
  inv->new_this_run = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_key_file_load_from_file (inv->file, path, G_KEY_FILE_NONE, &error) &&
      !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    g_warning ("Ignoring unreadable device inventory %s: %s", path, error->message);
  return inv;
}

static gboolean
save_cb (gpointer data)
{
  IotInventory *inv = data;
  inv->save_source = 0;
  g_autoptr (GError) error = NULL;
  if (!iot_inventory_flush (inv, &error))
    g_warning ("Could not save the device inventory: %s", error->message);
  return G_SOURCE_REMOVE;
}

/**
 * iot_inventory_note:
 * @id: the device identity (lower-case host name)
 *
 * Records that @id was seen now.
 *
 * Returns: TRUE if this machine had not seen @id before this run.
 */
gboolean
iot_inventory_note (IotInventory *inv, const char *raw_id, gint64 now)
{
  /* Group names cannot hold '[', ']' or controls; host names are untrusted. */
  g_autofree char *id = g_uri_escape_string (raw_id, ".-_", FALSE);
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);
  g_autofree char *stamp = g_date_time_format_iso8601 (dt);
  gboolean known = g_key_file_has_group (inv->file, id);
  gboolean is_new = !known || g_hash_table_contains (inv->new_this_run, id);

  if (!known)
    {
      gsize n_groups = 0;
      g_strfreev (g_key_file_get_groups (inv->file, &n_groups));
      if (n_groups >= INVENTORY_MAX_DEVICES)
        return TRUE; /* a flood of fake devices must not grow the file */
      g_key_file_set_string (inv->file, id, "first_seen", stamp);
      g_hash_table_add (inv->new_this_run, g_strdup (id));
    }
  g_key_file_set_string (inv->file, id, "last_seen", stamp);
  if (inv->save_source == 0)
    inv->save_source = g_timeout_add_seconds (1, save_cb, inv);
  return is_new;
}

gboolean
iot_inventory_flush (IotInventory *inv, GError **error)
{
  g_clear_handle_id (&inv->save_source, g_source_remove);
  g_autofree char *dir = g_path_get_dirname (inv->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int err = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "%s: %s", dir,
                   g_strerror (err));
      return FALSE;
    }
  /* g_key_file_save_to_file writes a temporary file and renames it. */
  return g_key_file_save_to_file (inv->file, inv->path, error);
}

void
iot_inventory_free (IotInventory *inv)
{
  if (inv == NULL)
    return;
  if (inv->save_source != 0)
    {
      g_autoptr (GError) error = NULL;
      if (!iot_inventory_flush (inv, &error))
        g_warning ("Could not save the device inventory: %s", error->message);
    }
  g_key_file_unref (inv->file);
  g_hash_table_unref (inv->new_this_run);
  g_free (inv->path);
  g_free (inv);
}
