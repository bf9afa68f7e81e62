/* SPDX-License-Identifier: GPL-3.0-or-later
 * mDNS/DNS-SD discovery through the Avahi daemon (avahi-client on the GLib
 * main loop). Browses the configured service types, or every type, resolves
 * each instance and feeds the registry. Survives the daemon going away and
 * coming back, and reports when a scan is complete ("all for now").
 */
#pragma once

#include <glib.h>

#include "iot-config.h"
#include "iot-registry.h"

typedef enum
{
  IOT_DISCOVERY_CONNECTING, /* waiting for the Avahi daemon */
  IOT_DISCOVERY_RUNNING,
  IOT_DISCOVERY_NO_DAEMON, /* no daemon, or the daemon went away */
  IOT_DISCOVERY_FAILED,    /* e.g. no D-Bus system bus */
} IotDiscoveryState;

typedef struct _IotDiscovery IotDiscovery;

typedef struct
{
  void (*state_changed) (IotDiscovery *discovery, IotDiscoveryState state, gpointer user_data);
  void (*scan_complete) (IotDiscovery *discovery, gpointer user_data);
} IotDiscoveryCallbacks;

IotDiscovery *iot_discovery_new (IotRegistry *registry, const IotConfig *config,
                                 const IotDiscoveryCallbacks *callbacks, gpointer user_data);
void iot_discovery_free (IotDiscovery *discovery);
void iot_discovery_start (IotDiscovery *discovery);
IotDiscoveryState iot_discovery_get_state (IotDiscovery *discovery);
const char *iot_discovery_get_error (IotDiscovery *discovery);
gboolean iot_discovery_is_complete (IotDiscovery *discovery);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotDiscovery, iot_discovery_free)
