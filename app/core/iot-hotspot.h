/* SPDX-License-Identifier: GPL-3.0-or-later
 * Devices waiting for setup: the visible Wi-Fi access points whose names fit
 * a profile's setup-hotspot patterns (match.ssids), kept current through the
 * network model's ap_added/ap_removed hooks. An open setup hotspot (no
 * password to join it) is a finding under guideline 6 ("Minimise exposed
 * attack surfaces", ETSI EN 303 645 5.6).
 */
#pragma once

#include "iot-network.h"
#include "iot-profile.h"

#include <json-glib/json-glib.h>

typedef struct
{
  char *ap_id; /* the access point's NetworkManager path */
  char *ssid;  /* sanitized for display */
  char *bssid;
  const IotProfile *profile;
  char *pattern; /* the SSID pattern that matched */
  guint strength;
  IotWifiSecurity security;
  gboolean open;       /* anyone may join: no password (open or OWE) */
  IotFinding *finding; /* NULL, or the guideline-6 finding of an open hotspot */
} IotSetupHotspot;

typedef struct _IotHotspots IotHotspots;

typedef void (*IotHotspotsChanged) (IotHotspots *hotspots, gpointer user_data);

IotHotspots *iot_hotspots_new (IotNetwork *network, const IotProfiles *profiles);
void iot_hotspots_free (IotHotspots *hotspots);
void iot_hotspots_set_changed (IotHotspots *hotspots, IotHotspotsChanged func,
                               gpointer user_data);
/* Strongest first. */
const GPtrArray *iot_hotspots_get (IotHotspots *hotspots);
JsonNode *iot_hotspots_to_json (IotHotspots *hotspots);

IotSetupHotspot *iot_setup_hotspot_for_ap (const IotProfiles *profiles,
                                           const IotAccessPoint *ap);
void iot_setup_hotspot_free (IotSetupHotspot *hotspot);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotHotspots, iot_hotspots_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotSetupHotspot, iot_setup_hotspot_free)
