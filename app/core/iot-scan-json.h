/* SPDX-License-Identifier: GPL-3.0-or-later
 * The stable machine-readable form of the device registry
 * (schema "iotsetup.scan/1", documented in README.md). Every string from the
 * network is sanitized before it goes in.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "iot-profile.h"
#include "iot-registry.h"

#define IOT_SCAN_SCHEMA "iotsetup.scan/1"

JsonNode *iot_device_to_json (const IotDevice *device, const IotProfiles *profiles);
JsonNode *iot_registry_to_json (IotRegistry *registry, gboolean complete,
                                const IotProfiles *profiles);
