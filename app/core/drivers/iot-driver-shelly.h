/* SPDX-License-Identifier: GPL-3.0-or-later
 * The Shelly Gen2+ driver's handling of device answers, exposed for the
 * unit tests and the fuzz target (the driver itself is
 * iot_driver_shelly_gen2 in iot-driver.h). Everything here takes raw,
 * hostile bytes and returns sanitized values or an IOT_DRIVER_ERROR /
 * IOT_HTTP_ERROR.
 */
#pragma once

#include "iot-driver.h"

/* The "result" of a JSON-RPC reply (HTTP @status, @body): a new node (JSON
 * null for a null result), or NULL with an error: 401 → AUTH, an "error"
 * member → DEVICE, anything else unexpected → BAD_REPLY. */
JsonNode *iot_shelly_parse_reply (guint status, GBytes *body, GError **error);

/* Shelly.GetDeviceInfo's result; needs id, gen >= 2 and ver. */
IotDriverInfo *iot_shelly_parse_device_info (JsonNode *result, GError **error);

/* Shelly.CheckForUpdate's result: the stable version offered, or NULL
 * (none: `{}`); FALSE with an error when the result is malformed. */
gboolean iot_shelly_parse_update (JsonNode *result, char **available, GError **error);

/* hex (sha256 ("admin:" realm ":" password)), as Shelly.SetAuth wants it. */
char *iot_shelly_ha1 (const char *realm, const IotSecret *password);
