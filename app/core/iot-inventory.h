/* SPDX-License-Identifier: GPL-3.0-or-later
 * The small inventory of device identities this machine has seen before, so
 * that new devices stand out. Kept in the XDG state directory; holds host
 * identities and dates only, never anything secret. Not used in kiosk mode.
 */
#pragma once

#include <glib.h>

typedef struct _IotInventory IotInventory;

char *iot_inventory_default_path (void);
IotInventory *iot_inventory_new (const char *path);
void iot_inventory_free (IotInventory *inventory);
gboolean iot_inventory_note (IotInventory *inventory, const char *id, gint64 now);
gboolean iot_inventory_flush (IotInventory *inventory, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotInventory, iot_inventory_free)
