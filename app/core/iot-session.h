/* SPDX-License-Identifier: GPL-3.0-or-later
 * One person's session with the assistant: the configuration and the core
 * objects built from it (registry, discovery, inventory, network), plus what they
 * selected. The TUI's wizard steps share it as their context.
 */
#pragma once

#include "iot-check.h"
#include "iot-config.h"
#include "iot-http.h"
#include "iot-discovery.h"
#include "iot-inventory.h"
#include "iot-hotspot.h"
#include "iot-network.h"
#include "iot-password.h"
#include "iot-profile.h"
#include "iot-registry.h"
#include "iot-setup-record.h"

typedef struct
{
  IotConfig *config;
  IotRegistry *registry;
  IotInventory *inventory; /* NULL when devices are not remembered */
  IotDiscovery *discovery;
  IotNetwork *network; /* NetworkManager's view; started by whoever needs it */
  IotProfiles *profiles; /* NULL when they cannot be read */
  IotHotspots *hotspots; /* devices waiting for setup, from the network's access points */
  char *selected_id; /* the device the person picked */
  char *hotspot_id;  /* the setup hotspot the person picked (its access point's id) */
  IotPasswordSetup *password; /* the password wizard's state; NULL outside it */
  GHashTable *check_notes; /* device id → IotCheckNotes*: answers and last worst result */
  IotHttp *http;              /* for the drivers; made when first needed */
  /* What the wizards observed per device (device id → GPtrArray of
   * IotCheckResult*), e.g. a verified password: the guideline card and the
   * report show these next to the checks' own results. */
  GHashTable *observed;
  /* The setup wizard (password → updates → personal data → summary) of the
   * selected device is running: each step leads on to the next. */
  gboolean full_setup;
  /* The selected device's password once the password wizard set and
   * verified it, for the later steps' driver calls; wiped when the person
   * leaves the device. NULL: the device has none we know. */
  IotSecret *credential;
  GHashTable *records; /* device id → IotSetupRecord*: what the wizard did */
} IotSession;

IotSession *iot_session_new (IotConfig *config, const IotDiscoveryCallbacks *callbacks,
                             gpointer user_data);
void iot_session_free (IotSession *session);
void iot_session_select (IotSession *session, const char *device_id);
IotDevice *iot_session_get_selected (IotSession *session);
/* The check notes of @device_id; with @create, made (empty) when missing. */
IotCheckNotes *iot_session_get_check_notes (IotSession *session, const char *device_id,
                                            gboolean create);
IotHttp *iot_session_get_http (IotSession *session);
/* Records @result (transfer full) for @device_id; it replaces an earlier
 * result of the same check. */
void iot_session_add_result (IotSession *session, const char *device_id, IotCheckResult *result);
/* Returns: (nullable) (transfer none): IotCheckResult* of @device_id. */
GPtrArray *iot_session_get_results (IotSession *session, const char *device_id);
/* Forgets the setup wizard's state: the records, the held credential (wiped)
 * and the running flag. The kiosk calls it between customers. */
void iot_session_clear_setup (IotSession *session);
/* The record of @device_id, made on first use. */
IotSetupRecord *iot_session_get_record (IotSession *session, const char *device_id);
/* The selected device came back under @new_id (a HomeKit identity reset
 * gives Homebridge a new host name): the selection, its setup record, the
 * observations and the check notes follow it; the held credential stays
 * (the same device, the same web page). */
void iot_session_follow_device (IotSession *session, const char *new_id);
/* The record of @device_id, or NULL when the wizard has not run for it. */
const IotSetupRecord *iot_session_lookup_record (IotSession *session, const char *device_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotSession, iot_session_free)
